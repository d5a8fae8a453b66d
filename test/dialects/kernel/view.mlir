// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @reshape
func.func @reshape(%q: memref<?x4096xbf16>) {
  // CHECK: kernel.view %arg0[0] : memref<?x4096xbf16> to memref<?x32x128xbf16>
  %q3 = kernel.view %q [0] : memref<?x4096xbf16> to memref<?x32x128xbf16>
  // A view's scale comes from the element counts: [T, 2, 64] as [2·T, 64].
  %r = kernel.buffer tokens(1) : memref<?x2x64xf32>
  // CHECK: kernel.view %{{.*}}[0] : memref<?x2x64xf32> to memref<?x64xf32>
  %rows = kernel.view %r [0] : memref<?x2x64xf32> to memref<?x64xf32>
  %y = kernel.buffer tokens(2) : memref<?x64xf32>
  kernel.elementwise neg ins(%rows : memref<?x64xf32>) outs(%y : memref<?x64xf32>)
  return
}

// CHECK-LABEL: func.func @static
func.func @static(%s: memref<8x16xf32>) {
  // CHECK: kernel.view %arg0[16] : memref<8x16xf32> to memref<2x4x8xf32>
  %v = kernel.view %s [16] : memref<8x16xf32> to memref<2x4x8xf32>
  return
}
