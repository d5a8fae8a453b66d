// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @buffers
func.func @buffers() {
  // CHECK: kernel.buffer tokens(4) : memref<?x64xbf16>
  %a = kernel.buffer tokens(4) : memref<?x64xbf16>
  // CHECK: kernel.buffer : memref<257xi32>
  %b = kernel.buffer : memref<257xi32>
  // CHECK: kernel.buffer tokens(1) {offset = array<i64: 256, 512>} : memref<?xf32>
  %c = kernel.buffer tokens(1) {offset = array<i64: 256, 512>} : memref<?xf32>
  // Two buffers are two slots: CSE keeps both.
  // CHECK: kernel.buffer : memref<4xf32>
  // CHECK: kernel.buffer : memref<4xf32>
  %d = kernel.buffer : memref<4xf32>
  %e = kernel.buffer : memref<4xf32>
  return
}
