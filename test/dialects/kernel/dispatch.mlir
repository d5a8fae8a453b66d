// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @top2
func.func @top2(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  %offs = kernel.buffer : memref<9xi32>
  // CHECK: kernel.dispatch ins(%arg0, %arg1 : memref<?x64xbf16>, memref<?x2xi32>) outs(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x64xbf16>, memref<?xi32>, memref<9xi32>)
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi32>, memref<9xi32>)
  return
}
