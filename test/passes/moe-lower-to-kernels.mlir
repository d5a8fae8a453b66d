// RUN: ds-opt %s --split-input-file --moe-lower-to-kernels | FileCheck %s
// RUN: ds-opt %s --split-input-file --moe-lower-to-kernels | ds-opt --split-input-file > /dev/null
// RUN: ds-opt %ds_src_root/examples/mixtral_layer.mlir --moe-lower-to-kernels | FileCheck %s --check-prefix=MIXTRAL
// RUN: ds-opt %ds_src_root/examples/deepseek_v3_layer.mlir --moe-lower-to-kernels | FileCheck %s --check-prefix=V3

// MIXTRAL: module attributes {kernel.target = "sm_90a"}
// MIXTRAL: func.func @decoder_layer(%[[X:.*]]: memref<?x4096xbf16>, %[[POS:.*]]: memref<?xi32>) -> memref<?x4096xbf16>
// MIXTRAL: kernel.gemm ins(%{{.*}}, %{{.*}} : memref<?x4096xbf16>, memref<4096x4096xbf16>) outs(%[[Q:.*]] : memref<?x4096xbf16>) {epilogue = #kernel.epilogue<>}
// MIXTRAL: %[[Q3:.*]] = kernel.view %[[Q]][0] : memref<?x4096xbf16> to memref<?x32x128xbf16>
// MIXTRAL: kernel.rope half_split ins(%[[Q3]], %[[POS]] : memref<?x32x128xbf16>, memref<?xi32>)
// MIXTRAL: kernel.attention
// MIXTRAL: kernel.norm ins(%{{.*}}, %[[X]], %{{.*}} : memref<?x4096xbf16>, memref<?x4096xbf16>, memref<4096xbf16>) outs(%[[Y:.*]], %[[SUM:.*]] : memref<?x4096xbf16>, memref<?x4096xbf16>) {eps = 1.000000e-05 : f64}
// MIXTRAL: kernel.router ins(%[[Y]], %{{.*}} : memref<?x4096xbf16>, memref<8x4096xbf16>) outs(%[[W:.*]], %[[IDS:.*]] : memref<?x2xbf16>, memref<?x2xi32>)
// MIXTRAL: %[[ROWS:.*]] = kernel.buffer tokens(2) : memref<?x4096xbf16>
// MIXTRAL-NEXT: %[[PERM:.*]] = kernel.buffer tokens(2) : memref<?xi32>
// MIXTRAL-NEXT: %[[OFFS:.*]] = kernel.buffer : memref<9xi32>
// MIXTRAL-NEXT: kernel.dispatch ins(%[[Y]], %[[IDS]] : memref<?x4096xbf16>, memref<?x2xi32>) outs(%[[ROWS]], %[[PERM]], %[[OFFS]] : memref<?x4096xbf16>, memref<?xi32>, memref<9xi32>)
// MIXTRAL-COUNT-2: kernel.grouped_gemm ins(%[[ROWS]], %{{.*}}, %[[OFFS]] : memref<?x4096xbf16>, memref<8x14336x4096xbf16>, memref<9xi32>) outs(%{{.*}} : memref<?x14336xbf16>)
// MIXTRAL: kernel.elementwise swiglu
// MIXTRAL: kernel.grouped_gemm
// MIXTRAL: kernel.combine ins(%{{.*}}, %[[PERM]], %[[W]] : memref<?x4096xbf16>, memref<?xi32>, memref<?x2xbf16>) outs(%[[MOE:.*]] : memref<?x4096xbf16>)
// MIXTRAL: kernel.elementwise add ins(%[[SUM]], %[[MOE]] : memref<?x4096xbf16>, memref<?x4096xbf16>) outs(%[[OUT:.*]] : memref<?x4096xbf16>)
// MIXTRAL-NEXT: return %[[OUT]] : memref<?x4096xbf16>
// MIXTRAL-NOT: moe.{{(load|linear|experts|rms_norm)}}

// DeepSeek-V3 MLA: the q heads' nope/rope split and the kv split are copies
// (not contiguous), the q concat is one buffer with a copy per part, the
// FP8 projections keep their scales; experts go through dispatch.
// V3: func.func @decoder_layer(%{{.*}}: memref<?x7168xbf16>, %{{.*}}: memref<?xi32>) -> memref<?x7168xbf16>
// V3: kernel.gemm ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x7168xbf16>, memref<1536x7168xf8E4M3FN>, memref<12x56xf32>) outs(%{{.*}} : memref<?x1536xbf16>) {epilogue = #kernel.epilogue<>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
// V3: %[[Q3:.*]] = kernel.view %{{.*}}[0] : memref<?x24576xbf16> to memref<?x128x192xbf16>
// V3: kernel.copy ins(%[[Q3]] : memref<?x128x192xbf16>) outs(%{{.*}} : memref<?x128x128xbf16>) src_offsets = [0, 0, 0] src_strides = [1, 1, 1] sizes = [?, 128, 128] dst_offsets = [0, 0, 0]
// V3: kernel.copy ins(%[[Q3]] : memref<?x128x192xbf16>) outs(%{{.*}} : memref<?x128x64xbf16>) src_offsets = [0, 0, 128] src_strides = [1, 1, 1] sizes = [?, 128, 64] dst_offsets = [0, 0, 0]
// V3: kernel.rope interleaved
// V3: %[[QF:.*]] = kernel.buffer tokens(1) : memref<?x128x192xbf16>
// V3-NEXT: kernel.copy ins(%{{.*}} : memref<?x128x128xbf16>) outs(%[[QF]] : memref<?x128x192xbf16>) src_offsets = [0, 0, 0] src_strides = [1, 1, 1] sizes = [?, 128, 128] dst_offsets = [0, 0, 0]
// V3-NEXT: kernel.copy ins(%{{.*}} : memref<?x128x64xbf16>) outs(%[[QF]] : memref<?x128x192xbf16>) src_offsets = [0, 0, 0] src_strides = [1, 1, 1] sizes = [?, 128, 64] dst_offsets = [0, 0, 128]
// V3: kernel.attention ins(%[[QF]], %{{.*}}, %{{.*}}, %{{.*}} : memref<?x128x192xbf16>, memref<?x128x128xbf16>, memref<?x128x128xbf16>, memref<?x64xbf16>)
// V3: kernel.router ins(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x7168xbf16>, memref<256x7168xbf16>, memref<256xf32>) outs(%{{.*}}, %{{.*}} : memref<?x8xf32>, memref<?x8xi32>)
// V3: kernel.buffer tokens(8) : memref<?x7168xbf16>
// V3: kernel.dispatch
// V3: kernel.grouped_gemm ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<?x7168xbf16>, memref<256x2048x7168xf8E4M3FN>, memref<257xi32>, memref<256x16x56xf32>) outs(%{{.*}} : memref<?x2048xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
// V3: kernel.combine
// V3-NOT: moe.{{(load|linear|experts|attention|dispatch)}}

// CHECK-LABEL: func.func @names
// CHECK-SAME: (%[[IDS:.*]]: memref<?xi32> {moe.name = "input_ids"}) -> (memref<?x8xf32> {moe.name = "hidden"})
// CHECK-NEXT: %[[T:.*]] = kernel.weight @embed : memref<16x8xbf16>
// CHECK-NEXT: %[[Y:.*]] = kernel.buffer tokens(1) : memref<?x8xf32>
// CHECK-NEXT: kernel.embedding ins(%[[T]], %[[IDS]] : memref<16x8xbf16>, memref<?xi32>) outs(%[[Y]] : memref<?x8xf32>)
// CHECK-NEXT: return %[[Y]] : memref<?x8xf32>
module {
  moe.parameter @embed : tensor<16x8xbf16> {key = "embed"}
  func.func @names(%ids: tensor<?xi32> {moe.name = "input_ids"}) -> (tensor<?x8xf32> {moe.name = "hidden"}) {
    %t = moe.load @embed : tensor<16x8xbf16>
    %y = moe.embedding %t[%ids] : tensor<16x8xbf16>, tensor<?xi32> -> tensor<?x8xf32>
    return %y : tensor<?x8xf32>
  }
}

// -----

// A target already set is kept.
// CHECK: module attributes {kernel.target = "sm_80"}
// CHECK-LABEL: func.func @bias_and_quant
// CHECK-SAME: (%[[X:.*]]: memref<?x256xbf16>, %[[W:.*]]: memref<128x256xbf16>, %[[B:.*]]: memref<128xbf16>, %[[WQ:.*]]: memref<128x256xf8E4M3FN>, %[[S:.*]]: memref<1x2xf32>)
// CHECK: kernel.gemm ins(%[[X]], %[[W]], %[[B]] : memref<?x256xbf16>, memref<128x256xbf16>, memref<128xbf16>) outs(%{{.*}} : memref<?x128xbf16>) {epilogue = #kernel.epilogue<bias = true>}
// CHECK: kernel.gemm ins(%[[X]], %[[WQ]], %[[S]], %[[B]] : memref<?x256xbf16>, memref<128x256xf8E4M3FN>, memref<1x2xf32>, memref<128xbf16>) outs(%{{.*}} : memref<?x128xbf16>) {epilogue = #kernel.epilogue<bias = true>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
module attributes {kernel.target = "sm_80"} {
  func.func @bias_and_quant(%x: tensor<?x256xbf16>, %w: tensor<128x256xbf16>, %b: tensor<128xbf16>, %wq: tensor<128x256xf8E4M3FN>, %s: tensor<1x2xf32>) -> (tensor<?x128xbf16>, tensor<?x128xbf16>) {
    %0 = moe.linear %x, %w bias(%b : tensor<128xbf16>) : tensor<?x256xbf16>, tensor<128x256xbf16> -> tensor<?x128xbf16>
    %1 = moe.linear %x, %wq scales(%s : tensor<1x2xf32>) bias(%b : tensor<128xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x256xbf16>, tensor<128x256xf8E4M3FN> -> tensor<?x128xbf16>
    return %0, %1 : tensor<?x128xbf16>, tensor<?x128xbf16>
  }
}

// -----

// A linear over [T, 2, 8] works on its [2·T, 8] rows.
// CHECK-LABEL: func.func @linear_rank3
// CHECK: %[[A:.*]] = kernel.view %arg0[0] : memref<?x2x8xf32> to memref<?x8xf32>
// CHECK-NEXT: %[[C:.*]] = kernel.buffer tokens(2) : memref<?x4xf32>
// CHECK-NEXT: kernel.gemm ins(%[[A]], %arg1 : memref<?x8xf32>, memref<4x8xf32>) outs(%[[C]] : memref<?x4xf32>)
// CHECK-NEXT: %[[R:.*]] = kernel.view %[[C]][0] : memref<?x4xf32> to memref<?x2x4xf32>
// A view is no output of its own: it is copied into a fresh buffer.
// CHECK-NEXT: %[[OUT:.*]] = kernel.buffer tokens(1) : memref<?x2x4xf32>
// CHECK-NEXT: kernel.copy ins(%[[R]] : memref<?x2x4xf32>) outs(%[[OUT]] : memref<?x2x4xf32>) src_offsets = [0, 0, 0] src_strides = [1, 1, 1] sizes = [?, 2, 4] dst_offsets = [0, 0, 0]
// CHECK-NEXT: return %[[OUT]]
func.func @linear_rank3(%x: tensor<?x2x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x2x4xf32> {
  %0 = moe.linear %x, %w : tensor<?x2x8xf32>, tensor<4x8xf32> -> tensor<?x2x4xf32>
  return %0 : tensor<?x2x4xf32>
}

// -----

// moe.experts goes through its decomposition; the T·K rows are buffers of
// scale K. The quantized form keeps quant and per-expert scales.
// CHECK-LABEL: func.func @experts
// CHECK: %[[ROWS:.*]] = kernel.buffer tokens(2) : memref<?x128xbf16>
// CHECK-NEXT: %[[PERM:.*]] = kernel.buffer tokens(2) : memref<?xi32>
// CHECK-NEXT: %[[OFFS:.*]] = kernel.buffer : memref<5xi32>
// CHECK-NEXT: kernel.dispatch ins(%arg0, %arg2 : memref<?x128xbf16>, memref<?x2xi32>) outs(%[[ROWS]], %[[PERM]], %[[OFFS]] : memref<?x128xbf16>, memref<?xi32>, memref<5xi32>)
// CHECK-NEXT: %[[G:.*]] = kernel.buffer tokens(2) : memref<?x256xbf16>
// CHECK-NEXT: kernel.grouped_gemm ins(%[[ROWS]], %arg3, %[[OFFS]], %arg6 : memref<?x128xbf16>, memref<4x256x128xf8E4M3FN>, memref<5xi32>, memref<4x2x1xf32>) outs(%[[G]] : memref<?x256xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
// CHECK-NEXT: %[[U:.*]] = kernel.buffer tokens(2) : memref<?x256xbf16>
// CHECK-NEXT: kernel.grouped_gemm ins(%[[ROWS]], %arg4, %[[OFFS]], %arg7 : {{.*}}) outs(%[[U]] : memref<?x256xbf16>)
// CHECK-NEXT: %[[A:.*]] = kernel.buffer tokens(2) : memref<?x256xbf16>
// CHECK-NEXT: kernel.elementwise swiglu ins(%[[G]], %[[U]] : memref<?x256xbf16>, memref<?x256xbf16>) outs(%[[A]] : memref<?x256xbf16>)
// CHECK-NEXT: %[[D:.*]] = kernel.buffer tokens(2) : memref<?x128xbf16>
// CHECK-NEXT: kernel.grouped_gemm ins(%[[A]], %arg5, %[[OFFS]], %arg8 : memref<?x256xbf16>, memref<4x128x256xf8E4M3FN>, memref<5xi32>, memref<4x1x2xf32>) outs(%[[D]] : memref<?x128xbf16>)
// CHECK-NEXT: %[[Y:.*]] = kernel.buffer tokens(1) : memref<?x128xbf16>
// CHECK-NEXT: kernel.combine ins(%[[D]], %[[PERM]], %arg1 : memref<?x128xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%[[Y]] : memref<?x128xbf16>)
// CHECK-NEXT: return %[[Y]]
func.func @experts(%x: tensor<?x128xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                   %wg: tensor<4x256x128xf8E4M3FN>, %wu: tensor<4x256x128xf8E4M3FN>, %wd: tensor<4x128x256xf8E4M3FN>,
                   %sg: tensor<4x2x1xf32>, %su: tensor<4x2x1xf32>, %sd: tensor<4x1x2xf32>) -> tensor<?x128xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd scales(%sg, %su, %sd) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
      : (tensor<?x128xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x256x128xf8E4M3FN>, tensor<4x256x128xf8E4M3FN>, tensor<4x128x256xf8E4M3FN>, tensor<4x2x1xf32>, tensor<4x2x1xf32>, tensor<4x1x2xf32>) -> tensor<?x128xbf16>
  return %y : tensor<?x128xbf16>
}

// -----

// What moe-dispatch-experts writes, with top-4 routing.
// CHECK-LABEL: func.func @dispatch_experts
// CHECK: kernel.buffer tokens(4) : memref<?x64xbf16>
// CHECK-NEXT: kernel.buffer tokens(4) : memref<?xi32>
// CHECK-NEXT: kernel.buffer : memref<9xi32>
// CHECK-NEXT: kernel.dispatch
// CHECK: kernel.grouped_gemm ins({{.*}} : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%{{.*}} : memref<?x96xbf16>)
// CHECK: kernel.combine
func.func @dispatch_experts(%x: tensor<?x64xbf16>, %w: tensor<?x4xf32>, %ids: tensor<?x4xi32>, %wg: tensor<8x96x64xbf16>) -> tensor<?x96xbf16> {
  %rows, %perm, %offs = moe.dispatch %x, %ids : tensor<?x64xbf16>, tensor<?x4xi32> -> tensor<?x64xbf16>, tensor<?xi32>, tensor<9xi32>
  %g = moe.grouped_matmul %rows, %wg, %offs : tensor<?x64xbf16>, tensor<8x96x64xbf16>, tensor<9xi32> -> tensor<?x96xbf16>
  %y = moe.combine %g, %perm, %w : tensor<?x96xbf16>, tensor<?xi32>, tensor<?x4xf32> -> tensor<?x96xbf16>
  return %y : tensor<?x96xbf16>
}

// -----

// The fused gate/up projections (moe-fuse-gate-up): the SwiGLU moves into
// the GEMMs' epilogue.
// CHECK-LABEL: func.func @swiglu
// CHECK: kernel.gemm ins({{.*}} : memref<?x64xbf16>, memref<192x64xbf16>) outs(%{{.*}} : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
// CHECK: kernel.grouped_gemm ins({{.*}} : memref<?x64xbf16>, memref<8x192x64xbf16>, memref<9xi32>) outs(%{{.*}} : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
// CHECK-NOT: kernel.elementwise
func.func @swiglu(%x: tensor<?x64xbf16>, %w: tensor<192x64xbf16>, %rows: tensor<?x64xbf16>, %we: tensor<8x192x64xbf16>, %offs: tensor<9xi32>) -> (tensor<?x96xbf16>, tensor<?x96xbf16>) {
  %h = moe.linear %x, %w {swiglu} : tensor<?x64xbf16>, tensor<192x64xbf16> -> tensor<?x96xbf16>
  %a = moe.grouped_matmul %rows, %we, %offs {swiglu} : tensor<?x64xbf16>, tensor<8x192x64xbf16>, tensor<9xi32> -> tensor<?x96xbf16>
  return %h, %a : tensor<?x96xbf16>, tensor<?x96xbf16>
}

// -----

// Projections of one input (moe-fuse-qkv): one GEMM writing one buffer per
// segment, a rank-3 input seen as 2-D and its results viewed back (the
// returned views are then copied to the results, as any returned view is).
// CHECK-LABEL: func.func @split
// CHECK: %[[A:.*]] = kernel.view %arg0[0] : memref<?x2x64xbf16> to memref<?x64xbf16>
// CHECK-NEXT: %[[Q:.*]] = kernel.buffer tokens(2) : memref<?x64xbf16>
// CHECK-NEXT: %[[K:.*]] = kernel.buffer tokens(2) : memref<?x16xbf16>
// CHECK-NEXT: %[[V:.*]] = kernel.buffer tokens(2) : memref<?x16xbf16>
// CHECK-NEXT: kernel.gemm ins(%[[A]], %arg1, %arg2 : memref<?x64xbf16>, memref<96x64xbf16>, memref<96xbf16>) outs(%[[Q]], %[[K]], %[[V]] : memref<?x64xbf16>, memref<?x16xbf16>, memref<?x16xbf16>) {epilogue = #kernel.epilogue<bias = true, split = [64, 16, 16]>}
// CHECK-NEXT: kernel.view %[[Q]][0] : memref<?x64xbf16> to memref<?x2x64xbf16>
// CHECK-NEXT: kernel.view %[[K]][0] : memref<?x16xbf16> to memref<?x2x16xbf16>
// CHECK-NEXT: kernel.view %[[V]][0] : memref<?x16xbf16> to memref<?x2x16xbf16>
// CHECK-NOT: kernel.gemm
func.func @split(%x: tensor<?x2x64xbf16>, %w: tensor<96x64xbf16>, %b: tensor<96xbf16>) -> (tensor<?x2x64xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>) {
  %q, %k, %v = moe.linear %x, %w bias(%b : tensor<96xbf16>) {split = array<i64: 64, 16, 16>} : tensor<?x2x64xbf16>, tensor<96x64xbf16> -> tensor<?x2x64xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>
  return %q, %k, %v : tensor<?x2x64xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>
}

// -----

// The OLMoE clamp: splats become fills, maximumf/minimumf elementwise ops;
// index constants and tensor.dim leave nothing behind.
// CHECK-LABEL: func.func @clamp
// CHECK-NOT: arith
// CHECK-NOT: tensor.dim
// CHECK: %[[LO:.*]] = kernel.buffer tokens(1) : memref<?x64xf32>
// CHECK-NEXT: kernel.fill outs(%[[LO]] : memref<?x64xf32>) {value = -1.500000e+00 : f64}
// CHECK: %[[HI:.*]] = kernel.buffer tokens(1) : memref<?x64xf32>
// CHECK-NEXT: kernel.fill outs(%[[HI]] : memref<?x64xf32>) {value = 1.500000e+00 : f64}
// CHECK: kernel.elementwise maximum ins(%arg0, %[[LO]] : memref<?x64xf32>, memref<?x64xf32>) outs(%[[M:.*]] : memref<?x64xf32>)
// CHECK: kernel.elementwise minimum ins(%[[M]], %[[HI]] : memref<?x64xf32>, memref<?x64xf32>)
func.func @clamp(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x64xf32>
  %lo = arith.constant -1.500000e+00 : f32
  %splat = tensor.splat %lo[%t] : tensor<?x64xf32>
  %hi = arith.constant 1.500000e+00 : f32
  %splat_1 = tensor.splat %hi[%t] : tensor<?x64xf32>
  %0 = arith.maximumf %x, %splat : tensor<?x64xf32>
  %1 = arith.minimumf %0, %splat_1 : tensor<?x64xf32>
  return %1 : tensor<?x64xf32>
}

// -----

// Splat constants and tensor.empty (zeros) are fills too; extf and truncf
// are casts; every other arith op on tensors is one elementwise launch.
// CHECK-LABEL: func.func @fills_and_casts
// CHECK: kernel.fill outs(%{{.*}} : memref<4x8xf32>) {value = 2.000000e+00 : f64}
// CHECK: kernel.fill outs(%{{.*}} : memref<?x8xf32>) {value = 0.000000e+00 : f64}
// CHECK: kernel.elementwise cast ins(%arg0 : memref<?x8xbf16>) outs(%{{.*}} : memref<?x8xf32>)
// CHECK: kernel.elementwise sub
// CHECK: kernel.elementwise mul
// CHECK: kernel.elementwise div
// CHECK: kernel.elementwise neg
// CHECK: kernel.elementwise cast ins(%{{.*}} : memref<?x8xf32>) outs(%{{.*}} : memref<?x8xbf16>)
// CHECK: kernel.elementwise add ins(%arg1, %{{.*}} : memref<4x8xf32>, memref<4x8xf32>)
func.func @fills_and_casts(%x: tensor<?x8xbf16>, %s: tensor<4x8xf32>) -> (tensor<?x8xbf16>, tensor<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xbf16>
  %two = arith.constant dense<2.0> : tensor<4x8xf32>
  %z = tensor.empty(%t) : tensor<?x8xf32>
  %f = arith.extf %x : tensor<?x8xbf16> to tensor<?x8xf32>
  %0 = arith.subf %f, %z : tensor<?x8xf32>
  %1 = arith.mulf %0, %f : tensor<?x8xf32>
  %2 = arith.divf %1, %f : tensor<?x8xf32>
  %3 = arith.negf %2 : tensor<?x8xf32>
  %4 = arith.truncf %3 : tensor<?x8xf32> to tensor<?x8xbf16>
  %5 = arith.addf %s, %two : tensor<4x8xf32>
  return %4, %5 : tensor<?x8xbf16>, tensor<4x8xf32>
}

// -----

// Contiguous slices are views (a leading row of a static tensor, the first
// rows of the whole); a rank-reducing copy is viewed to its result type.
// CHECK-LABEL: func.func @slices
// CHECK: kernel.view %arg1[8] : memref<4x8xf32> to memref<1x8xf32>
// CHECK: kernel.view %arg1[8] : memref<4x8xf32> to memref<8xf32>
// CHECK: kernel.view %arg1[16] : memref<4x8xf32> to memref<2x8xf32>
// CHECK: %[[B:.*]] = kernel.buffer tokens(1) : memref<?x1x4xf32>
// CHECK-NEXT: kernel.copy ins(%arg0 : memref<?x2x8xf32>) outs(%[[B]] : memref<?x1x4xf32>) src_offsets = [0, 1, 1] src_strides = [1, 1, 2] sizes = [?, 1, 4] dst_offsets = [0, 0, 0]
// CHECK-NEXT: kernel.view %[[B]][0] : memref<?x1x4xf32> to memref<?x4xf32>
func.func @slices(%x: tensor<?x2x8xf32>, %s: tensor<4x8xf32>) -> (tensor<1x8xf32>, tensor<8xf32>, tensor<2x8xf32>, tensor<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x8xf32>
  %0 = tensor.extract_slice %s[1, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<1x8xf32>
  %1 = tensor.extract_slice %s[1, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<8xf32>
  %2 = tensor.extract_slice %s[2, 0] [2, 8] [1, 1] : tensor<4x8xf32> to tensor<2x8xf32>
  %3 = tensor.extract_slice %x[0, 1, 1] [%t, 1, 4] [1, 1, 2] : tensor<?x2x8xf32> to tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<1x8xf32>, tensor<8xf32>, tensor<2x8xf32>, tensor<?x4xf32>
}

// -----

// Outputs are buffers of their own: arguments and weights are copied (an
// argument returned twice, twice).
// CHECK-LABEL: func.func @outputs
// CHECK: %[[W:.*]] = kernel.weight @w : memref<4xf32>
// CHECK: kernel.copy ins(%arg0 : memref<?x4xf32>) outs(%[[A:.*]] : memref<?x4xf32>)
// CHECK: kernel.copy ins(%[[W]] : memref<4xf32>) outs(%[[B:.*]] : memref<4xf32>)
// CHECK: kernel.copy ins(%arg0 : memref<?x4xf32>) outs(%[[C:.*]] : memref<?x4xf32>)
// CHECK: return %[[A]], %[[B]], %[[C]]
moe.parameter @w : tensor<4xf32> {key = "w"}
func.func @outputs(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<?x4xf32>) {
  %w = moe.load @w : tensor<4xf32>
  return %x, %w, %x : tensor<?x4xf32>, tensor<4xf32>, tensor<?x4xf32>
}
