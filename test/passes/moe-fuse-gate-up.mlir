// RUN: ds-opt %s --split-input-file --moe-fuse-gate-up | FileCheck %s
// Each module records the pairs fused (moe.passes, shown by ds-run --info):
// the cases below in order.
// RUN: ds-opt %s --split-input-file --moe-fuse-gate-up | FileCheck %s --check-prefix=RECORD
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 0 : i64, "linear-pairs-fused" = 1 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 0 : i64, "linear-pairs-fused" = 1 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 1 : i64, "linear-pairs-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 0 : i64, "linear-pairs-fused" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 0 : i64, "linear-pairs-fused" = 1 : i64}}]}

// The numbers on the golden models (bit-identical on the CPU reference,
// within the tolerances on the sim) and the launches saved:
// test/golden/fuse-gate-up.test. The fused form's verifier rules:
// test/dialects/moe/linear-invalid.mlir, grouped_matmul-invalid.mlir.

// A dense SwiGLU MLP: one linear over the joined weight, the gate rows
// first; the old parameters go.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>)
// CHECK-NEXT: %[[W:.*]] = moe.load @gate_up : tensor<192x64xbf16>
// CHECK-NEXT: %[[H:.*]] = moe.linear %[[X]], %[[W]] {swiglu} : tensor<?x64xbf16>, tensor<192x64xbf16> -> tensor<?x96xbf16>
// CHECK-NEXT: %[[WD:.*]] = moe.load @down
// CHECK-NEXT: moe.linear %[[H]], %[[WD]]
// CHECK-NOT: moe.swiglu
// CHECK: moe.parameter @gate_up : tensor<192x64xbf16> {concat_keys = ["mlp.up_proj.weight"], concat_rows = array<i64: 96, 96>, key = "mlp.gate_proj.weight"}
// CHECK-NOT: moe.parameter @gate :
// CHECK-NOT: moe.parameter @up :
module {
  func.func @dense(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
    %wg = moe.load @gate : tensor<96x64xbf16>
    %wu = moe.load @up : tensor<96x64xbf16>
    %g = moe.linear %x, %wg : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
    %u = moe.linear %x, %wu : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
    %h = moe.swiglu %g, %u : tensor<?x96xbf16>
    %wd = moe.load @down : tensor<64x96xbf16>
    %y = moe.linear %h, %wd : tensor<?x96xbf16>, tensor<64x96xbf16> -> tensor<?x64xbf16>
    return %y : tensor<?x64xbf16>
  }
  moe.parameter @gate : tensor<96x64xbf16> {key = "mlp.gate_proj.weight"}
  moe.parameter @up : tensor<96x64xbf16> {key = "mlp.up_proj.weight"}
  moe.parameter @down : tensor<64x96xbf16> {key = "mlp.down_proj.weight"}
}

// -----

// FP8 block-128 weights: the scales join the same way ([2, 1] + [2, 1]).
// CHECK-LABEL: func.func @fp8
// CHECK: %[[W:.*]] = moe.load @gate_up : tensor<512x128xf8E4M3FN>
// CHECK-NEXT: %[[S:.*]] = moe.load @gate_scale_up : tensor<4x1xf32>
// CHECK-NEXT: moe.linear %{{.*}}, %[[W]] scales(%[[S]] : tensor<4x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, swiglu} : tensor<?x128xbf16>, tensor<512x128xf8E4M3FN> -> tensor<?x256xbf16>
// CHECK: moe.parameter @gate_up : tensor<512x128xf8E4M3FN> {concat_keys = ["up.weight"], concat_rows = array<i64: 256, 256>, key = "gate.weight"}
// CHECK: moe.parameter @gate_scale_up : tensor<4x1xf32> {concat_keys = ["up.weight_scale_inv"], concat_rows = array<i64: 2, 2>, key = "gate.weight_scale_inv"}
module {
  func.func @fp8(%x: tensor<?x128xbf16>) -> tensor<?x256xbf16> {
    %wg = moe.load @gate : tensor<256x128xf8E4M3FN>
    %sg = moe.load @gate_scale : tensor<2x1xf32>
    %wu = moe.load @up : tensor<256x128xf8E4M3FN>
    %su = moe.load @up_scale : tensor<2x1xf32>
    %g = moe.linear %x, %wg scales(%sg : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<256x128xf8E4M3FN> -> tensor<?x256xbf16>
    %u = moe.linear %x, %wu scales(%su : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<256x128xf8E4M3FN> -> tensor<?x256xbf16>
    %h = moe.swiglu %g, %u : tensor<?x256xbf16>
    return %h : tensor<?x256xbf16>
  }
  moe.parameter @gate : tensor<256x128xf8E4M3FN> {key = "gate.weight"}
  moe.parameter @gate_scale : tensor<2x1xf32> {key = "gate.weight_scale_inv"}
  moe.parameter @up : tensor<256x128xf8E4M3FN> {key = "up.weight"}
  moe.parameter @up_scale : tensor<2x1xf32> {key = "up.weight_scale_inv"}
}

// -----

// Routed experts: the dispatched form, gate and up as one grouped matmul
// over the joined stacked weight; the pruned experts' slices are kept.
// CHECK-LABEL: func.func @experts
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf32>, %[[W:.*]]: tensor<?x2xf32>, %[[IDS:.*]]: tensor<?x2xi32>)
// CHECK-NEXT: %[[WD:.*]] = moe.load @w2
// CHECK-NEXT: %[[ROWS:.*]], %[[PERM:.*]], %[[OFFS:.*]] = moe.dispatch %[[X]], %[[IDS]]
// CHECK-NEXT: %[[WGU:.*]] = moe.load @w1_up : tensor<4x64x64xf32>
// CHECK-NEXT: %[[A:.*]] = moe.grouped_matmul %[[ROWS]], %[[WGU]], %[[OFFS]] {swiglu} : tensor<?x64xf32>, tensor<4x64x64xf32>, tensor<5xi32> -> tensor<?x32xf32>
// CHECK-NEXT: %[[Y:.*]] = moe.grouped_matmul %[[A]], %[[WD]], %[[OFFS]] : tensor<?x32xf32>, tensor<4x64x32xf32>, tensor<5xi32> -> tensor<?x64xf32>
// CHECK-NEXT: moe.combine %[[Y]], %[[PERM]], %[[W]]
// CHECK: moe.parameter @w1_up : tensor<4x64x64xf32> {concat_keys = ["experts.*.w3.weight"], concat_rows = array<i64: 32, 32>, key = "experts.*.w1.weight", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NOT: moe.parameter @w1 :
// CHECK-NOT: moe.parameter @w3 :
module {
  func.func @experts(%x: tensor<?x64xf32>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>) -> tensor<?x64xf32> {
    %wg = moe.load @w1 : tensor<4x32x64xf32>
    %wu = moe.load @w3 : tensor<4x32x64xf32>
    %wd = moe.load @w2 : tensor<4x64x32xf32>
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x64xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x32x64xf32>, tensor<4x32x64xf32>, tensor<4x64x32xf32>) -> tensor<?x64xf32>
    return %y : tensor<?x64xf32>
  }
  moe.parameter @w1 : tensor<4x32x64xf32> {key = "experts.*.w1.weight", slices = array<i64: 1, 3, 5, 6>}
  moe.parameter @w3 : tensor<4x32x64xf32> {key = "experts.*.w3.weight", slices = array<i64: 1, 3, 5, 6>}
  moe.parameter @w2 : tensor<4x64x32xf32> {key = "experts.*.w2.weight", slices = array<i64: 1, 3, 5, 6>}
}

// -----

// The no-op cases. Each function keeps its two linears and its swiglu.
// CHECK-LABEL: func.func @different_inputs
// CHECK-COUNT-2: moe.linear
// CHECK: moe.swiglu
// CHECK-LABEL: func.func @gate_used_twice
// CHECK-COUNT-2: moe.linear
// CHECK: moe.swiglu
// CHECK-LABEL: func.func @bias
// CHECK-COUNT-2: moe.linear
// CHECK: moe.swiglu
// CHECK-LABEL: func.func @not_parameters
// CHECK-COUNT-2: moe.linear
// CHECK: moe.swiglu
// CHECK-LABEL: func.func @slices_differ
// CHECK-COUNT-2: moe.grouped_matmul
// CHECK: moe.swiglu
// CHECK-NOT: {swiglu}
// CHECK-NOT: concat_keys
module {
  func.func @different_inputs(%x: tensor<?x64xf32>, %z: tensor<?x64xf32>) -> tensor<?x32xf32> {
    %wg = moe.load @a : tensor<32x64xf32>
    %wu = moe.load @b : tensor<32x64xf32>
    %g = moe.linear %x, %wg : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %u = moe.linear %z, %wu : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %h = moe.swiglu %g, %u : tensor<?x32xf32>
    return %h : tensor<?x32xf32>
  }
  // The gate projection is also a result: computing it again would not pay.
  func.func @gate_used_twice(%x: tensor<?x64xf32>) -> (tensor<?x32xf32>, tensor<?x32xf32>) {
    %wg = moe.load @a : tensor<32x64xf32>
    %wu = moe.load @b : tensor<32x64xf32>
    %g = moe.linear %x, %wg : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %u = moe.linear %x, %wu : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %h = moe.swiglu %g, %u : tensor<?x32xf32>
    return %h, %g : tensor<?x32xf32>, tensor<?x32xf32>
  }
  func.func @bias(%x: tensor<?x64xf32>) -> tensor<?x32xf32> {
    %wg = moe.load @a : tensor<32x64xf32>
    %wu = moe.load @b : tensor<32x64xf32>
    %bg = moe.load @c : tensor<32xf32>
    %g = moe.linear %x, %wg bias(%bg : tensor<32xf32>) : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %u = moe.linear %x, %wu : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %h = moe.swiglu %g, %u : tensor<?x32xf32>
    return %h : tensor<?x32xf32>
  }
  // Weights that are arguments: nothing to join at load time.
  func.func @not_parameters(%x: tensor<?x64xf32>, %wg: tensor<32x64xf32>, %wu: tensor<32x64xf32>) -> tensor<?x32xf32> {
    %g = moe.linear %x, %wg : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %u = moe.linear %x, %wu : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %h = moe.swiglu %g, %u : tensor<?x32xf32>
    return %h : tensor<?x32xf32>
  }
  // Gate and up read different experts.
  func.func @slices_differ(%rows: tensor<?x64xf32>, %offs: tensor<3xi32>) -> tensor<?x32xf32> {
    %wg = moe.load @e1 : tensor<2x32x64xf32>
    %wu = moe.load @e3 : tensor<2x32x64xf32>
    %g = moe.grouped_matmul %rows, %wg, %offs : tensor<?x64xf32>, tensor<2x32x64xf32>, tensor<3xi32> -> tensor<?x32xf32>
    %u = moe.grouped_matmul %rows, %wu, %offs : tensor<?x64xf32>, tensor<2x32x64xf32>, tensor<3xi32> -> tensor<?x32xf32>
    %h = moe.swiglu %g, %u : tensor<?x32xf32>
    return %h : tensor<?x32xf32>
  }
  moe.parameter @a : tensor<32x64xf32> {key = "a.weight"}
  moe.parameter @b : tensor<32x64xf32> {key = "b.weight"}
  moe.parameter @c : tensor<32xf32> {key = "c.bias"}
  moe.parameter @e1 : tensor<2x32x64xf32> {key = "e.*.w1", slices = array<i64: 0, 2>}
  moe.parameter @e3 : tensor<2x32x64xf32> {key = "e.*.w3", slices = array<i64: 1, 2>}
}

// -----

// A quantized pair whose halves would share a scale block (I = 96 < 128),
// and a gate parameter another op still loads (it stays, the up goes).
// CHECK-LABEL: func.func @block_spans_halves
// CHECK-COUNT-2: moe.linear
// CHECK: moe.swiglu
// CHECK-LABEL: func.func @shared_gate
// CHECK: moe.linear %{{.*}} {swiglu}
// CHECK: moe.load @a : tensor<32x64xf32>
// CHECK: moe.parameter @a : tensor<32x64xf32>
// CHECK-NEXT: moe.parameter @a_up : tensor<64x64xf32>
// CHECK-NOT: moe.parameter @b :
module {
  func.func @block_spans_halves(%x: tensor<?x128xbf16>) -> tensor<?x96xbf16> {
    %wg = moe.load @qg : tensor<96x128xf8E4M3FN>
    %sg = moe.load @qgs : tensor<1x1xf32>
    %wu = moe.load @qu : tensor<96x128xf8E4M3FN>
    %su = moe.load @qus : tensor<1x1xf32>
    %g = moe.linear %x, %wg scales(%sg : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<96x128xf8E4M3FN> -> tensor<?x96xbf16>
    %u = moe.linear %x, %wu scales(%su : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<96x128xf8E4M3FN> -> tensor<?x96xbf16>
    %h = moe.swiglu %g, %u : tensor<?x96xbf16>
    return %h : tensor<?x96xbf16>
  }
  func.func @shared_gate(%x: tensor<?x64xf32>) -> (tensor<?x32xf32>, tensor<32x64xf32>) {
    %wg = moe.load @a : tensor<32x64xf32>
    %wu = moe.load @b : tensor<32x64xf32>
    %g = moe.linear %x, %wg : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %u = moe.linear %x, %wu : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
    %h = moe.swiglu %g, %u : tensor<?x32xf32>
    %again = moe.load @a : tensor<32x64xf32>
    return %h, %again : tensor<?x32xf32>, tensor<32x64xf32>
  }
  moe.parameter @qg : tensor<96x128xf8E4M3FN> {key = "qg.weight"}
  moe.parameter @qgs : tensor<1x1xf32> {key = "qg.weight_scale_inv"}
  moe.parameter @qu : tensor<96x128xf8E4M3FN> {key = "qu.weight"}
  moe.parameter @qus : tensor<1x1xf32> {key = "qu.weight_scale_inv"}
  moe.parameter @a : tensor<32x64xf32> {key = "a.weight"}
  moe.parameter @b : tensor<32x64xf32> {key = "b.weight"}
}
