// RUN: ds-opt %s -split-input-file -moe-summary | FileCheck %s

// The summary counts parameters per stored dtype (i4 packs two per byte),
// keyed and stacked ones, and groups identical layer configurations.

// CHECK-LABEL: moe summary
// CHECK-NEXT:    parameters: 4 tensors (3 keyed, 1 stacked), 3.07 K elements, 6.50 KiB
// CHECK-NEXT:      bf16: 2 tensors, 1.02 K elements, 2.00 KiB
// CHECK-NEXT:      i4: 1 tensor, 1.02 K elements, 512 B
// CHECK-NEXT:      f32: 1 tensor, 1.02 K elements, 4.00 KiB
// CHECK-NEXT:    function @layer: (tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32>) -> tensor<?x4x8xf32>
// CHECK-NEXT:    attention x2: 4 heads, 2 kv heads, qk 16, v 8, scale 0.25, window sliding 4
// CHECK-NEXT:    attention x1: 4 heads, 2 kv heads, qk 16, v 8, scale 0.25, window global
// CHECK-NEXT:    ops: 4 moe.parameter, 3 moe.attention, 1 func.return, 1 func.func
// CHECK-NEXT:    passes: none recorded
// The IR itself is printed unchanged after the summary.
// CHECK:         moe.parameter @a : tensor<16x32xbf16>
moe.parameter @a : tensor<16x32xbf16> {key = "a.weight"}
moe.parameter @b : tensor<2x16x16xbf16> {key = "experts.*.w"}
moe.parameter @c : tensor<32x32xi4> {key = "c.qweight"}
moe.parameter @d : tensor<1024xf32>
func.func @layer(%q: tensor<?x4x16xf32>, %k: tensor<?x2x16xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<sliding 4>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  %1 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  %2 = moe.attention %q, %k, %v scale(0.25) window(<sliding 4>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %2 : tensor<?x4x8xf32>
}

// -----

// Routers and experts, including a quantized experts op.

// CHECK-LABEL: moe summary
// CHECK-NEXT:    parameters: 0 tensors (0 keyed, 0 stacked), 0 elements, 0 B
// CHECK-NEXT:    function @moe
// CHECK-NEXT:    router x1: sigmoid noaux_tc, top-2 of 8 experts (4 groups, keep 2), correction bias, normalized, x2.5
// CHECK-NEXT:    router x1: softmax greedy, top-2 of 8 experts
// CHECK-NEXT:    experts x1: 8 experts, hidden 256, intermediate 128, f8E4M3FN (fp8_e4m3 blocks 128x128)
// CHECK-NEXT:    ops: 2 moe.router, 1 moe.experts, 1 func.return, 1 func.func
func.func @moe(%x: tensor<?x256xf32>, %g: tensor<8x256xf32>, %b: tensor<8xf32>,
               %wg: tensor<8x128x256xf8E4M3FN>, %wu: tensor<8x128x256xf8E4M3FN>, %wd: tensor<8x256x128xf8E4M3FN>,
               %sg: tensor<8x1x2xf32>, %su: tensor<8x1x2xf32>, %sd: tensor<8x2x1xf32>) -> tensor<?x256xf32> {
  %w, %i = moe.router %x, %g bias(%b : tensor<8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2, norm_topk_prob = true, routed_scaling_factor = 2.5>) : tensor<?x256xf32>, tensor<8x256xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  %w2, %i2 = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x256xf32>, tensor<8x256xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  %y = moe.experts %x, %w, %i, %wg, %wu, %wd scales(%sg, %su, %sd) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x256xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x128x256xf8E4M3FN>, tensor<8x128x256xf8E4M3FN>, tensor<8x256x128xf8E4M3FN>, tensor<8x1x2xf32>, tensor<8x1x2xf32>, tensor<8x2x1xf32>) -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// -----

// The passes that ran (moe.passes, recorded by the passes themselves), in
// order, each with its statistics.

// CHECK-LABEL: moe summary
// CHECK:         ops: 1 func.return, 1 func.func
// CHECK-NEXT:    pass moe-fuse-add-rms-norm: 4 chains fused
// CHECK-NEXT:    pass moe-other: nothing to report
module attributes {moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 4 : i64}}, {name = "moe-other", statistics = {}}]} {
  func.func @empty() {
    return
  }
}

// -----

// Windows in their one text form (ds::describeWindow), adaptive ones with
// their threshold and sinks.

// CHECK-LABEL: moe summary
// CHECK:         attention x1: 4 heads, 2 kv heads, qk 16, v 8, scale 0.25, window adaptive 4 threshold 16
// CHECK-NEXT:    attention x1: 4 heads, 2 kv heads, qk 16, v 8, scale 0.25, window adaptive 4 threshold 16 sinks 2
// CHECK-NEXT:    attention x1: 4 heads, 2 kv heads, qk 16, v 8, scale 0.25, window local_global 8 sinks 2
func.func @windows(%q: tensor<?x4x16xf32>, %k: tensor<?x2x16xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<adaptive 4, threshold 16>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  %1 = moe.attention %q, %k, %v scale(0.25) window(<adaptive 4, threshold 16, sinks 2>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  %2 = moe.attention %q, %k, %v scale(0.25) window(<local_global 8, sinks 2>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %2 : tensor<?x4x8xf32>
}
