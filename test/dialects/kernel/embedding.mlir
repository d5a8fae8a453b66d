// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

moe.parameter @embed : tensor<128x64xbf16> {key = "model.embed_tokens.weight"}

// CHECK-LABEL: func.func @lookup
func.func @lookup(%ids: memref<?xi32>) -> memref<?x64xf32> {
  // CHECK: %[[W:.*]] = kernel.weight @embed : memref<128x64xbf16>
  %w = kernel.weight @embed : memref<128x64xbf16>
  %y = kernel.buffer tokens(1) : memref<?x64xf32>
  // CHECK: kernel.embedding ins(%[[W]], %arg0 : memref<128x64xbf16>, memref<?xi32>) outs(%{{.*}} : memref<?x64xf32>)
  kernel.embedding ins(%w, %ids : memref<128x64xbf16>, memref<?xi32>) outs(%y : memref<?x64xf32>)
  return %y : memref<?x64xf32>
}
