// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @dense_bf16
func.func @dense_bf16(%x: tensor<?x8xbf16>, %w: tensor<4x8xbf16>) -> tensor<?x4xbf16> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 : tensor<?x8xbf16>, tensor<4x8xbf16> -> tensor<?x4xbf16>
  %0 = moe.linear %x, %w : tensor<?x8xbf16>, tensor<4x8xbf16> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}

// CHECK-LABEL: func.func @dense_f16
func.func @dense_f16(%x: tensor<?x8xf16>, %w: tensor<4x8xf16>) -> tensor<?x4xf16> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 : tensor<?x8xf16>, tensor<4x8xf16> -> tensor<?x4xf16>
  %0 = moe.linear %x, %w : tensor<?x8xf16>, tensor<4x8xf16> -> tensor<?x4xf16>
  return %0 : tensor<?x4xf16>
}

// The weight's element type may differ from the activations'.
// CHECK-LABEL: func.func @dense_f32_weight
func.func @dense_f32_weight(%x: tensor<?x8xbf16>, %w: tensor<4x8xf32>, %wh: tensor<4x8xf16>) -> (tensor<?x4xbf16>, tensor<?x4xf32>) {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 : tensor<?x8xbf16>, tensor<4x8xf32> -> tensor<?x4xbf16>
  %0 = moe.linear %x, %w : tensor<?x8xbf16>, tensor<4x8xf32> -> tensor<?x4xbf16>
  %xf = arith.extf %x : tensor<?x8xbf16> to tensor<?x8xf32>
  // CHECK: %{{.*}} = moe.linear %{{.*}}, %arg2 : tensor<?x8xf32>, tensor<4x8xf16> -> tensor<?x4xf32>
  %1 = moe.linear %xf, %wh : tensor<?x8xf32>, tensor<4x8xf16> -> tensor<?x4xf32>
  return %0, %1 : tensor<?x4xbf16>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @bias
func.func @bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>, %bh: tensor<4xbf16>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 bias(%arg2 : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  %0 = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 bias(%arg3 : tensor<4xbf16>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  %1 = moe.linear %x, %w bias(%bh : tensor<4xbf16>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// Input of rank 3 ([T, heads, K]) and rank 1 ([K]).
// CHECK-LABEL: func.func @ranks
func.func @ranks(%x3: tensor<?x2x8xbf16>, %x1: tensor<8xbf16>, %w: tensor<4x8xbf16>) -> (tensor<?x2x4xbf16>, tensor<4xbf16>) {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg2 : tensor<?x2x8xbf16>, tensor<4x8xbf16> -> tensor<?x2x4xbf16>
  %0 = moe.linear %x3, %w : tensor<?x2x8xbf16>, tensor<4x8xbf16> -> tensor<?x2x4xbf16>
  // CHECK: %{{.*}} = moe.linear %arg1, %arg2 : tensor<8xbf16>, tensor<4x8xbf16> -> tensor<4xbf16>
  %1 = moe.linear %x1, %w : tensor<8xbf16>, tensor<4x8xbf16> -> tensor<4xbf16>
  return %0, %1 : tensor<?x2x4xbf16>, tensor<4xbf16>
}

// Static token dimension.
// CHECK-LABEL: func.func @static_tokens
func.func @static_tokens(%x: tensor<3x8xf32>, %w: tensor<4x8xbf16>) -> tensor<3x4xf32> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 : tensor<3x8xf32>, tensor<4x8xbf16> -> tensor<3x4xf32>
  %0 = moe.linear %x, %w : tensor<3x8xf32>, tensor<4x8xbf16> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// DeepSeek-V3 FP8: blocks of 128x128, one scale per block.
// CHECK-LABEL: func.func @fp8
func.func @fp8(%x: tensor<?x256xbf16>, %w: tensor<256x256xf8E4M3FN>, %s: tensor<2x2xf32>) -> tensor<?x256xbf16> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 scales(%arg2 : tensor<2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x256xbf16>, tensor<256x256xf8E4M3FN> -> tensor<?x256xbf16>
  %0 = moe.linear %x, %w scales(%s : tensor<2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x256xbf16>, tensor<256x256xf8E4M3FN> -> tensor<?x256xbf16>
  return %0 : tensor<?x256xbf16>
}

// Ragged shapes: N = 192 and K = 200 round up to 2 blocks each; N = 64
// (smaller than a block) to 1.
// CHECK-LABEL: func.func @fp8_ragged
func.func @fp8_ragged(%x: tensor<?x200xbf16>, %w: tensor<192x200xf8E4M3FN>, %s: tensor<2x2xf32>,
                      %w2: tensor<64x200xf8E4M3FN>, %s2: tensor<1x2xbf16>) -> (tensor<?x192xbf16>, tensor<?x64xbf16>) {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 scales(%arg2 : tensor<2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<192x200xf8E4M3FN> -> tensor<?x192xbf16>
  %0 = moe.linear %x, %w scales(%s : tensor<2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<192x200xf8E4M3FN> -> tensor<?x192xbf16>
  // CHECK: %{{.*}} = moe.linear %arg0, %arg3 scales(%arg4 : tensor<1x2xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<64x200xf8E4M3FN> -> tensor<?x64xbf16>
  %1 = moe.linear %x, %w2 scales(%s2 : tensor<1x2xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<64x200xf8E4M3FN> -> tensor<?x64xbf16>
  return %0, %1 : tensor<?x192xbf16>, tensor<?x64xbf16>
}

// Scales and bias together, in that order.
// CHECK-LABEL: func.func @fp8_bias
func.func @fp8_bias(%x: tensor<?x128xf32>, %w: tensor<192x128xf8E4M3FN>, %s: tensor<2x1xf32>, %b: tensor<192xf32>) -> tensor<?x192xf32> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 scales(%arg2 : tensor<2x1xf32>) bias(%arg3 : tensor<192xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xf32>, tensor<192x128xf8E4M3FN> -> tensor<?x192xf32>
  %0 = moe.linear %x, %w scales(%s : tensor<2x1xf32>) bias(%b : tensor<192xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xf32>, tensor<192x128xf8E4M3FN> -> tensor<?x192xf32>
  return %0 : tensor<?x192xf32>
}

// Weight-only int8 with groups of 128 along K.
// CHECK-LABEL: func.func @int8
func.func @int8(%x: tensor<?x256xbf16>, %w: tensor<4x256xi8>, %s: tensor<4x2xf16>) -> tensor<?x4xbf16> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 scales(%arg2 : tensor<4x2xf16>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi8> -> tensor<?x4xbf16>
  %0 = moe.linear %x, %w scales(%s : tensor<4x2xf16>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi8> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}

// Weight-only int4 with groups of 128 along K (K = 200: 2 groups), rank-3
// input.
// CHECK-LABEL: func.func @int4
func.func @int4(%x: tensor<?x2x200xf32>, %w: tensor<4x200xi4>, %s: tensor<4x2xf32>) -> tensor<?x2x4xf32> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 scales(%arg2 : tensor<4x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x2x200xf32>, tensor<4x200xi4> -> tensor<?x2x4xf32>
  %0 = moe.linear %x, %w scales(%s : tensor<4x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x2x200xf32>, tensor<4x200xi4> -> tensor<?x2x4xf32>
  return %0 : tensor<?x2x4xf32>
}

// Non-square blocks.
// CHECK-LABEL: func.func @int8_blocks
func.func @int8_blocks(%x: tensor<?x64xf32>, %w: tensor<6x64xi8>, %s: tensor<3x4xf32>) -> tensor<?x6xf32> {
  // CHECK: %{{.*}} = moe.linear %arg0, %arg1 scales(%arg2 : tensor<3x4xf32>) {quant = #moe.quant<int8, block = [2, 16]>} : tensor<?x64xf32>, tensor<6x64xi8> -> tensor<?x6xf32>
  %0 = moe.linear %x, %w scales(%s : tensor<3x4xf32>) {quant = #moe.quant<int8, block = [2, 16]>} : tensor<?x64xf32>, tensor<6x64xi8> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// A gate/up pair as one projection: the weight's gate rows, then its up rows.
// CHECK-LABEL: func.func @swiglu
// CHECK: moe.linear %{{.*}}, %{{.*}} {swiglu} : tensor<?x8xbf16>, tensor<12x8xbf16> -> tensor<?x6xbf16>
// CHECK: moe.linear %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, swiglu} : tensor<?x128xbf16>, tensor<256x128xf8E4M3FN> -> tensor<?x128xbf16>
func.func @swiglu(%x: tensor<?x8xbf16>, %w: tensor<12x8xbf16>, %xq: tensor<?x128xbf16>, %wq: tensor<256x128xf8E4M3FN>, %s: tensor<2x1xf32>) -> (tensor<?x6xbf16>, tensor<?x128xbf16>) {
  %0 = moe.linear %x, %w {swiglu} : tensor<?x8xbf16>, tensor<12x8xbf16> -> tensor<?x6xbf16>
  %1 = moe.linear %xq, %wq scales(%s : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, swiglu} : tensor<?x128xbf16>, tensor<256x128xf8E4M3FN> -> tensor<?x128xbf16>
  return %0, %1 : tensor<?x6xbf16>, tensor<?x128xbf16>
}

// Projections of one input as one GEMM (moe-fuse-qkv): one result per
// segment of the weight's rows, with a joined bias, and FP8 block scales
// whose segments (all but the last) are whole scale blocks.
// CHECK-LABEL: func.func @split
// CHECK: %{{.*}}:3 = moe.linear %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<96xbf16>) {split = array<i64: 64, 16, 16>} : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>
// CHECK: %{{.*}}:2 = moe.linear %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<3x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, split = array<i64: 256, 64>} : tensor<?x2x128xbf16>, tensor<320x128xf8E4M3FN> -> tensor<?x2x256xbf16>, tensor<?x2x64xbf16>
func.func @split(%x: tensor<?x64xbf16>, %w: tensor<96x64xbf16>, %b: tensor<96xbf16>, %xq: tensor<?x2x128xbf16>, %wq: tensor<320x128xf8E4M3FN>, %s: tensor<3x1xf32>) -> (tensor<?x16xbf16>, tensor<?x2x64xbf16>) {
  %q, %k, %v = moe.linear %x, %w bias(%b : tensor<96xbf16>) {split = array<i64: 64, 16, 16>} : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>
  %qa, %kva = moe.linear %xq, %wq scales(%s : tensor<3x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, split = array<i64: 256, 64>} : tensor<?x2x128xbf16>, tensor<320x128xf8E4M3FN> -> tensor<?x2x256xbf16>, tensor<?x2x64xbf16>
  return %v, %kva : tensor<?x16xbf16>, tensor<?x2x64xbf16>
}
