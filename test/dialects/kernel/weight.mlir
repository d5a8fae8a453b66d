// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

moe.parameter @w : tensor<8x96x64xf8E4M3FN> {key = "experts.*.w"}

// CHECK-LABEL: func.func @read
func.func @read() {
  // CHECK: kernel.weight @w : memref<8x96x64xf8E4M3FN>
  %w = kernel.weight @w : memref<8x96x64xf8E4M3FN>
  return
}
