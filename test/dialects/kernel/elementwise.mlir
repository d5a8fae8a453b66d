// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @every_fn
func.func @every_fn(%a: memref<?x64xbf16>, %b: memref<?x64xbf16>, %logit: memref<?x1xbf16>) {
  %y = kernel.buffer tokens(1) : memref<?x64xbf16>
  // CHECK: kernel.elementwise add ins(%arg0, %arg1 : memref<?x64xbf16>, memref<?x64xbf16>) outs(%{{.*}} : memref<?x64xbf16>)
  kernel.elementwise add ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise sub
  kernel.elementwise sub ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise mul
  kernel.elementwise mul ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise div
  kernel.elementwise div ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise maximum
  kernel.elementwise maximum ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise minimum
  kernel.elementwise minimum ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise neg ins(%arg0 : memref<?x64xbf16>) outs(%{{.*}} : memref<?x64xbf16>)
  kernel.elementwise neg ins(%a : memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise swiglu
  kernel.elementwise swiglu ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  // CHECK: kernel.elementwise sigmoid_gate ins(%arg0, %arg2 : memref<?x64xbf16>, memref<?x1xbf16>) outs(%{{.*}} : memref<?x64xbf16>)
  kernel.elementwise sigmoid_gate ins(%a, %logit : memref<?x64xbf16>, memref<?x1xbf16>) outs(%y : memref<?x64xbf16>)
  %f = kernel.buffer tokens(1) : memref<?x64xf32>
  // CHECK: kernel.elementwise cast ins(%arg0 : memref<?x64xbf16>) outs(%{{.*}} : memref<?x64xf32>)
  kernel.elementwise cast ins(%a : memref<?x64xbf16>) outs(%f : memref<?x64xf32>)
  return
}

// CHECK-LABEL: func.func @static
func.func @static(%a: memref<4x8xf32>) {
  %y = kernel.buffer : memref<4x8xf32>
  // CHECK: kernel.elementwise neg ins(%arg0 : memref<4x8xf32>) outs(%{{.*}} : memref<4x8xf32>)
  kernel.elementwise neg ins(%a : memref<4x8xf32>) outs(%y : memref<4x8xf32>)
  return
}
