// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%x: memref<?x64xbf16>, %r: memref<?x64xbf16>, %w: memref<64xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{expects 3 ins and 2 outs (x, residual, weight; y, sum), got 3 and 1}}
  kernel.norm ins(%x, %r, %w : memref<?x64xbf16>, memref<?x64xbf16>, memref<64xbf16>) outs(%y : memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @x_rank(%x: memref<bf16>, %w: memref<64xbf16>, %y: memref<bf16>) {
  // expected-error @+1 {{x must have rank >= 1, got 'memref<bf16>'}}
  kernel.norm ins(%x, %w : memref<bf16>, memref<64xbf16>) outs(%y : memref<bf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @x_feature_dynamic(%x: memref<?xbf16>, %w: memref<64xbf16>, %y: memref<?xbf16>) {
  // expected-error @+1 {{x must have a static last (feature) dimension, got 'memref<?xbf16>'}}
  kernel.norm ins(%x, %w : memref<?xbf16>, memref<64xbf16>) outs(%y : memref<?xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @weight_size(%x: memref<?x64xbf16>, %w: memref<32xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{weight size (x's last dimension) must be 64, got 32}}
  kernel.norm ins(%x, %w : memref<?x64xbf16>, memref<32xbf16>) outs(%y : memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @weight_int(%x: memref<?x64xbf16>, %w: memref<64xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{weight must have a float element type, got 'memref<64xi32>'}}
  kernel.norm ins(%x, %w : memref<?x64xbf16>, memref<64xi32>) outs(%y : memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @y_type(%x: memref<?x64xbf16>, %w: memref<64xbf16>, %y: memref<?x64xf32>) {
  // expected-error @+1 {{y must have x's type 'memref<?x64xbf16>', got 'memref<?x64xf32>'}}
  kernel.norm ins(%x, %w : memref<?x64xbf16>, memref<64xbf16>) outs(%y : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @y_scale(%x: memref<?x64xbf16>, %w: memref<64xbf16>) {
  %y = kernel.buffer tokens(2) : memref<?x64xbf16>
  // expected-error @+1 {{y dim 0 (tokens) must be T, got 2*T}}
  kernel.norm ins(%x, %w : memref<?x64xbf16>, memref<64xbf16>) outs(%y : memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @residual_type(%x: memref<?x64xbf16>, %r: memref<?x64xf32>, %w: memref<64xbf16>, %y: memref<?x64xbf16>, %s: memref<?x64xbf16>) {
  // expected-error @+1 {{residual must have x's type 'memref<?x64xbf16>', got 'memref<?x64xf32>'}}
  kernel.norm ins(%x, %r, %w : memref<?x64xbf16>, memref<?x64xf32>, memref<64xbf16>) outs(%y, %s : memref<?x64xbf16>, memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @sum_scale(%x: memref<?x64xbf16>, %r: memref<?x64xbf16>, %w: memref<64xbf16>, %y: memref<?x64xbf16>) {
  %s = kernel.buffer tokens(4) : memref<?x64xbf16>
  // expected-error @+1 {{sum dim 0 (tokens) must be T, got 4*T}}
  kernel.norm ins(%x, %r, %w : memref<?x64xbf16>, memref<?x64xbf16>, memref<64xbf16>) outs(%y, %s : memref<?x64xbf16>, memref<?x64xbf16>) {eps = 1.0e-06 : f64}
  return
}

// -----

func.func @eps(%x: memref<?x64xbf16>, %w: memref<64xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{'eps' must be > 0, got -1}}
  kernel.norm ins(%x, %w : memref<?x64xbf16>, memref<64xbf16>) outs(%y : memref<?x64xbf16>) {eps = -1.0 : f64}
  return
}
