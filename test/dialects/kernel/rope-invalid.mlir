// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%x: memref<?x4x16xbf16>, %y: memref<?x4x16xbf16>) {
  // expected-error @+1 {{expects 2 ins and 1 outs (x, positions; y), got 1 and 1}}
  kernel.rope half_split ins(%x : memref<?x4x16xbf16>) outs(%y : memref<?x4x16xbf16>) {theta = 1.0e+04 : f64}
  return
}

// -----

func.func @x_rank(%x: memref<?x64xbf16>, %pos: memref<?xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{x must have rank 3 ([T, heads, head_dim]), got 'memref<?x64xbf16>'}}
  kernel.rope half_split ins(%x, %pos : memref<?x64xbf16>, memref<?xi32>) outs(%y : memref<?x64xbf16>) {theta = 1.0e+04 : f64}
  return
}

// -----

func.func @pos_type(%x: memref<?x4x16xbf16>, %pos: memref<?xf32>, %y: memref<?x4x16xbf16>) {
  // expected-error @+1 {{positions must have element type i32 or i64, got 'memref<?xf32>'}}
  kernel.rope half_split ins(%x, %pos : memref<?x4x16xbf16>, memref<?xf32>) outs(%y : memref<?x4x16xbf16>) {theta = 1.0e+04 : f64}
  return
}

// -----

func.func @odd(%x: memref<?x4x15xbf16>, %pos: memref<?xi32>, %y: memref<?x4x15xbf16>) {
  // expected-error @+1 {{rotary dimension must be even, got 15}}
  kernel.rope half_split ins(%x, %pos : memref<?x4x15xbf16>, memref<?xi32>) outs(%y : memref<?x4x15xbf16>) {theta = 1.0e+04 : f64}
  return
}

// -----

func.func @pos_size(%x: memref<?x4x16xbf16>, %y: memref<?x4x16xbf16>) {
  %pos = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{positions size (tokens) must be T, got 2*T}}
  kernel.rope half_split ins(%x, %pos : memref<?x4x16xbf16>, memref<?xi32>) outs(%y : memref<?x4x16xbf16>) {theta = 1.0e+04 : f64}
  return
}

// -----

func.func @y_type(%x: memref<?x4x16xbf16>, %pos: memref<?xi32>, %y: memref<?x4x16xf32>) {
  // expected-error @+1 {{y must have x's type 'memref<?x4x16xbf16>', got 'memref<?x4x16xf32>'}}
  kernel.rope half_split ins(%x, %pos : memref<?x4x16xbf16>, memref<?xi32>) outs(%y : memref<?x4x16xf32>) {theta = 1.0e+04 : f64}
  return
}

// -----

func.func @theta(%x: memref<?x4x16xbf16>, %pos: memref<?xi32>, %y: memref<?x4x16xbf16>) {
  // expected-error @+1 {{'theta' must be > 1, got 1.000000e+00}}
  kernel.rope half_split ins(%x, %pos : memref<?x4x16xbf16>, memref<?xi32>) outs(%y : memref<?x4x16xbf16>) {theta = 1.0 : f64}
  return
}
