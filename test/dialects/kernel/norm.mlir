// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @rms_norm
func.func @rms_norm(%x: memref<?x64xbf16>, %w: memref<64xbf16>) {
  %y = kernel.buffer tokens(1) : memref<?x64xbf16>
  // CHECK: kernel.norm ins(%arg0, %arg1 : memref<?x64xbf16>, memref<64xbf16>) outs(%{{.*}} : memref<?x64xbf16>) {eps = 9.9999999999999995E-7 : f64}
  kernel.norm ins(%x, %w : memref<?x64xbf16>, memref<64xbf16>) outs(%y : memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// Per-head norms normalize [T, heads, D].
// CHECK-LABEL: func.func @add_rms_norm
func.func @add_rms_norm(%x: memref<?x4x16xf32>, %r: memref<?x4x16xf32>, %w: memref<16xf32>) {
  %y = kernel.buffer tokens(1) : memref<?x4x16xf32>
  %sum = kernel.buffer tokens(1) : memref<?x4x16xf32>
  // CHECK: kernel.norm ins(%arg0, %arg1, %arg2 : memref<?x4x16xf32>, memref<?x4x16xf32>, memref<16xf32>) outs(%{{.*}}, %{{.*}} : memref<?x4x16xf32>, memref<?x4x16xf32>) {eps = 1.000000e-05 : f64}
  kernel.norm ins(%x, %r, %w : memref<?x4x16xf32>, memref<?x4x16xf32>, memref<16xf32>) outs(%y, %sum : memref<?x4x16xf32>, memref<?x4x16xf32>) {eps = 1.0e-05 : f64}
  return
}
