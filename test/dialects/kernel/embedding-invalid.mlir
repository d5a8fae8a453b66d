// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%t: memref<128x64xbf16>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{expects 2 ins and 1 outs (table, ids; y), got 1 and 1}}
  kernel.embedding ins(%t : memref<128x64xbf16>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @table_dynamic(%t: memref<?x64xbf16>, %ids: memref<?xi32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{table must have a static shape, got 'memref<?x64xbf16>'}}
  kernel.embedding ins(%t, %ids : memref<?x64xbf16>, memref<?xi32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @ids_type(%t: memref<128x64xbf16>, %ids: memref<?xf32>, %y: memref<?x64xbf16>) {
  // expected-error @+1 {{ids must have element type i32 or i64, got 'memref<?xf32>'}}
  kernel.embedding ins(%t, %ids : memref<128x64xbf16>, memref<?xf32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @y_tokens(%t: memref<128x64xbf16>, %ids: memref<?xi32>) {
  %y = kernel.buffer tokens(2) : memref<?x64xbf16>
  // expected-error @+1 {{y dim 0 (tokens) must be T, got 2*T}}
  kernel.embedding ins(%t, %ids : memref<128x64xbf16>, memref<?xi32>) outs(%y : memref<?x64xbf16>)
  return
}

// -----

func.func @y_hidden(%t: memref<128x64xbf16>, %ids: memref<?xi32>, %y: memref<?x32xbf16>) {
  // expected-error @+1 {{y dim 1 (hidden size of the table) must be 64, got 32}}
  kernel.embedding ins(%t, %ids : memref<128x64xbf16>, memref<?xi32>) outs(%y : memref<?x32xbf16>)
  return
}

// -----

func.func @y_int(%t: memref<128x64xbf16>, %ids: memref<?xi32>, %y: memref<?x64xi32>) {
  // expected-error @+1 {{y must have a float element type, got 'memref<?x64xi32>'}}
  kernel.embedding ins(%t, %ids : memref<128x64xbf16>, memref<?xi32>) outs(%y : memref<?x64xi32>)
  return
}
