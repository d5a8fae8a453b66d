// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%w: memref<?x2xf32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{expects 3 ins and 1 outs (rows, perm, weights; y), got 1 and 1}}
  kernel.combine ins(%w : memref<?x2xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @rows_scale(%rows: memref<?x64xbf16>, %w: memref<?x2xf32>, %y: memref<?x64xbf16>) {
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{rows (tokens x top_k) must be 2*T, got T}}
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @perm_scale(%perm: memref<?xi32>, %w: memref<?x2xf32>, %y: memref<?x64xbf16>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  // expected-error @+1 {{perm size (the rows) must be 2*T, got T}}
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @y_tokens(%w: memref<?x2xf32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  %y = kernel.buffer tokens(2) : memref<?x64xbf16>
  // expected-error @+1 {{y dim 0 (tokens) must be T, got 2*T}}
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @y_hidden(%w: memref<?x2xf32>, %y: memref<?x32xbf16>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{y dim 1 (hidden size) must be 64, got 32}}
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%y : memref<?x32xbf16>)
  return
}

// -----

func.func @y_type(%w: memref<?x2xf32>, %y: memref<?x64xf32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{y element type 'f32' must match the rows' 'bf16'}}
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xf32>) outs(%y : memref<?x64xf32>)
  return
}

// -----

func.func @weights_int(%w: memref<?x2xi32>, %y: memref<?x64xbf16>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{weights must have a float element type, got 'memref<?x2xi32>'}}
  kernel.combine ins(%rows, %perm, %w : memref<?x64xbf16>, memref<?xi32>, memref<?x2xi32>) outs(%y : memref<?x64xbf16>)
  return
}
