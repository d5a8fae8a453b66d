// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @top2
func.func @top2(%w: memref<?x2xf32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  %y = kernel.buffer tokens(1) : memref<?x64xbf16>
  // CHECK: kernel.combine ins(%{{.*}}, %{{.*}}, %arg0 : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%{{.*}} : memref<?x64xbf16>)
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%y : memref<?x64xbf16>)
  return
}
