// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @ins(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{expects 0 ins and 1 outs (no ins; dst), got 1 and 1}}
  kernel.fill ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) {value = 0.0 : f64}
  return
}

// -----

func.func @index(%a: memref<4xindex>) {
  // expected-error @+1 {{dst must have an integer or float element type}}
  kernel.fill outs(%a : memref<4xindex>) {value = 0.0 : f64}
  return
}

// -----

func.func @int_inf(%a: memref<4xi32>) {
  // expected-error @+1 {{an integer buffer takes a finite value, got INF}}
  kernel.fill outs(%a : memref<4xi32>) {value = 0x7FF0000000000000 : f64}
  return
}

// -----

func.func @value(%a: memref<4xf32>) {
  // expected-error @+1 {{requires attribute 'value'}}
  kernel.fill outs(%a : memref<4xf32>)
  return
}
