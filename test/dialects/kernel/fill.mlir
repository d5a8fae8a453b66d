// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @fill
func.func @fill() {
  %z = kernel.buffer tokens(1) : memref<?x64xf32>
  // CHECK: kernel.fill outs(%{{.*}} : memref<?x64xf32>) {value = 0.000000e+00 : f64}
  kernel.fill outs(%z : memref<?x64xf32>) {value = 0.0 : f64}
  %c = kernel.buffer : memref<4xbf16>
  // CHECK: kernel.fill outs(%{{.*}} : memref<4xbf16>) {value = -1.500000e+00 : f64}
  kernel.fill outs(%c : memref<4xbf16>) {value = -1.5 : f64}
  %i = kernel.buffer : memref<4xi32>
  // CHECK: kernel.fill outs(%{{.*}} : memref<4xi32>) {value = 7.000000e+00 : f64}
  kernel.fill outs(%i : memref<4xi32>) {value = 7.0 : f64}
  return
}
