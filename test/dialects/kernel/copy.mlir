// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// The rope half of MLA's q heads: [T, 4, 8..24) of [T, 4, 24].
// CHECK-LABEL: func.func @slice
func.func @slice(%q: memref<?x4x24xbf16>) {
  %pe = kernel.buffer tokens(1) : memref<?x4x16xbf16>
  // CHECK: kernel.copy ins(%arg0 : memref<?x4x24xbf16>) outs(%{{.*}} : memref<?x4x16xbf16>) src_offsets = [0, 0, 8] src_strides = [1, 1, 1] sizes = [?, 4, 16] dst_offsets = [0, 0, 0]
  kernel.copy ins(%q : memref<?x4x24xbf16>) outs(%pe : memref<?x4x16xbf16>) src_offsets = [0, 0, 8] src_strides = [1, 1, 1] sizes = [?, 4, 16] dst_offsets = [0, 0, 0]
  return
}

// One operand of a concat, at its offset in the destination; a strided box.
// CHECK-LABEL: func.func @concat_part
func.func @concat_part(%a: memref<?x4x8xbf16>, %s: memref<6x8xf32>) {
  %c = kernel.buffer tokens(1) : memref<?x4x24xbf16>
  // CHECK: kernel.copy ins(%arg0 : memref<?x4x8xbf16>) outs(%{{.*}} : memref<?x4x24xbf16>) src_offsets = [0, 0, 0] src_strides = [1, 1, 1] sizes = [?, 4, 8] dst_offsets = [0, 0, 16]
  kernel.copy ins(%a : memref<?x4x8xbf16>) outs(%c : memref<?x4x24xbf16>) src_offsets = [0, 0, 0] src_strides = [1, 1, 1] sizes = [?, 4, 8] dst_offsets = [0, 0, 16]
  %d = kernel.buffer : memref<3x4xf32>
  // CHECK: kernel.copy ins(%arg1 : memref<6x8xf32>) outs(%{{.*}} : memref<3x4xf32>) src_offsets = [1, 0] src_strides = [2, 2] sizes = [3, 4] dst_offsets = [0, 0]
  kernel.copy ins(%s : memref<6x8xf32>) outs(%d : memref<3x4xf32>) src_offsets = [1, 0] src_strides = [2, 2] sizes = [3, 4] dst_offsets = [0, 0]
  return
}
