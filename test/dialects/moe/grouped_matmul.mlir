// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @dense
func.func @dense(%x: tensor<?x8xbf16>, %w: tensor<4x6x8xbf16>, %offs: tensor<5xi32>) -> tensor<?x6xbf16> {
  // CHECK: %{{.*}} = moe.grouped_matmul %arg0, %arg1, %arg2 : tensor<?x8xbf16>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xbf16>
  %0 = moe.grouped_matmul %x, %w, %offs : tensor<?x8xbf16>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xbf16>
  return %0 : tensor<?x6xbf16>
}

// f32 weights for f16 rows; static row count.
// CHECK-LABEL: func.func @dense_static
func.func @dense_static(%x: tensor<6x8xf16>, %w: tensor<2x4x8xf32>, %offs: tensor<3xi32>) -> tensor<6x4xf16> {
  // CHECK: %{{.*}} = moe.grouped_matmul %arg0, %arg1, %arg2 : tensor<6x8xf16>, tensor<2x4x8xf32>, tensor<3xi32> -> tensor<6x4xf16>
  %0 = moe.grouped_matmul %x, %w, %offs : tensor<6x8xf16>, tensor<2x4x8xf32>, tensor<3xi32> -> tensor<6x4xf16>
  return %0 : tensor<6x4xf16>
}

// FP8 with ragged blocks: N = 192 -> 2, K = 200 -> 2.
// CHECK-LABEL: func.func @fp8
func.func @fp8(%x: tensor<?x200xbf16>, %w: tensor<4x192x200xf8E4M3FN>, %offs: tensor<5xi32>, %s: tensor<4x2x2xf32>) -> tensor<?x192xbf16> {
  // CHECK: %{{.*}} = moe.grouped_matmul %arg0, %arg1, %arg2 scales(%arg3 : tensor<4x2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<4x192x200xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xbf16>
  %0 = moe.grouped_matmul %x, %w, %offs scales(%s : tensor<4x2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xbf16>, tensor<4x192x200xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xbf16>
  return %0 : tensor<?x192xbf16>
}

// CHECK-LABEL: func.func @int8
func.func @int8(%x: tensor<?x256xf32>, %w: tensor<2x4x256xi8>, %offs: tensor<3xi32>, %s: tensor<2x4x2xbf16>) -> tensor<?x4xf32> {
  // CHECK: %{{.*}} = moe.grouped_matmul %arg0, %arg1, %arg2 scales(%arg3 : tensor<2x4x2xbf16>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xf32>, tensor<2x4x256xi8>, tensor<3xi32> -> tensor<?x4xf32>
  %0 = moe.grouped_matmul %x, %w, %offs scales(%s : tensor<2x4x2xbf16>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xf32>, tensor<2x4x256xi8>, tensor<3xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @int4
func.func @int4(%x: tensor<?x256xf32>, %w: tensor<2x4x256xi4>, %offs: tensor<3xi32>, %s: tensor<2x4x2xf32>) -> tensor<?x4xf32> {
  // CHECK: %{{.*}} = moe.grouped_matmul %arg0, %arg1, %arg2 scales(%arg3 : tensor<2x4x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x256xf32>, tensor<2x4x256xi4>, tensor<3xi32> -> tensor<?x4xf32>
  %0 = moe.grouped_matmul %x, %w, %offs scales(%s : tensor<2x4x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x256xf32>, tensor<2x4x256xi4>, tensor<3xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// Each expert's gate rows, then its up rows.
// CHECK-LABEL: func.func @swiglu
// CHECK: moe.grouped_matmul %{{.*}}, %{{.*}}, %{{.*}} {swiglu} : tensor<?x8xf32>, tensor<4x12x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
func.func @swiglu(%x: tensor<?x8xf32>, %w: tensor<4x12x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o {swiglu} : tensor<?x8xf32>, tensor<4x12x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
