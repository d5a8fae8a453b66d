// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @arity(%a: memref<?x64xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{expects 2 ins and 1 outs (a, b; y), got 1 and 1}}
  kernel.elementwise add ins(%a : memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @arity_neg(%a: memref<?x64xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{expects 1 ins and 1 outs (a; y), got 2 and 1}}
  kernel.elementwise neg ins(%a, %a : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @y_int(%a: memref<?x64xi32>, %y: memref<?x64xi32>) {
  // expected-error @+1 {{y must have a float element type, got 'memref<?x64xi32>'}}
  kernel.elementwise neg ins(%a : memref<?x64xi32>) outs(%y : memref<?x64xi32>)
  return
}

// -----

func.func @b_type(%a: memref<?x64xbf16>, %b: memref<?x64xf32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{b must have y's type 'memref<?x64xbf16>', got 'memref<?x64xf32>'}}
  kernel.elementwise add ins(%a, %b : memref<?x64xbf16>, memref<?x64xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @a_scale(%b: memref<?x64xbf16>, %y: memref<?x64xbf16>) {
  %a = kernel.buffer tokens(2) : memref<?x64xbf16>
  // expected-error @+1 {{a dim 0 (tokens) must be T, got 2*T}}
  kernel.elementwise add ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @cast_shape(%a: memref<?x32xbf16>, %y: memref<?x64xf32>) {
  // expected-error @+1 {{cast keeps the shape: y 'memref<?x64xf32>' must have a's shape, got 'memref<?x32xbf16>'}}
  kernel.elementwise cast ins(%a : memref<?x32xbf16>) outs(%y : memref<?x64xf32>)
  return
}

// -----

func.func @cast_scale(%a: memref<?x64xbf16>) {
  %y = kernel.buffer tokens(2) : memref<?x64xf32>
  // expected-error @+1 {{y dim 0 (tokens) must be T, got 2*T}}
  kernel.elementwise cast ins(%a : memref<?x64xbf16>) outs(%y : memref<?x64xf32>)
  return
}

// -----

func.func @cast_int(%a: memref<?x64xi32>, %y: memref<?x64xf32>) {
  // expected-error @+1 {{a must have a float element type, got 'memref<?x64xi32>'}}
  kernel.elementwise cast ins(%a : memref<?x64xi32>) outs(%y : memref<?x64xf32>)
  return
}

// -----

func.func @gate_rank(%a: memref<?x4x16xbf16>, %l: memref<?x1xbf16>, %y: memref<?x4x16xbf16>) {
  // expected-error @+1 {{a must have rank 2 ([T, H]), got 'memref<?x4x16xbf16>'}}
  kernel.elementwise sigmoid_gate ins(%a, %l : memref<?x4x16xbf16>, memref<?x1xbf16>) outs(%y : memref<?x4x16xbf16>)
  return
}

// -----

func.func @gate_logit(%a: memref<?x64xbf16>, %l: memref<?x2xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{logit must be [T, 1] (one logit per token), got 'memref<?x2xbf16>'}}
  kernel.elementwise sigmoid_gate ins(%a, %l : memref<?x64xbf16>, memref<?x2xbf16>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @gate_type(%a: memref<?x64xbf16>, %l: memref<?x1xf32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{logit element type 'f32' must match a's 'bf16'}}
  kernel.elementwise sigmoid_gate ins(%a, %l : memref<?x64xbf16>, memref<?x1xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @gate_tokens(%a: memref<?x64xbf16>, %y: memref<?x64xbf16>) {
  %l = kernel.buffer tokens(2) : memref<?x1xbf16>
  // expected-error @+1 {{logit dim 0 (tokens) must be T, got 2*T}}
  kernel.elementwise sigmoid_gate ins(%a, %l : memref<?x64xbf16>, memref<?x1xbf16>) outs(%y : memref<?x64xbf16>)
  return
}
