// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %rows: memref<?x64xbf16>) {
  // expected-error @+1 {{expects 2 ins and 3 outs (x, indices; rows, perm, offsets), got 2 and 1}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows : memref<?x64xbf16>)
  return
}

// -----

func.func @rows_scale(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(1) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{rows (tokens x top_k) must be 2*T, got T}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi32>, memref<9xi32>)
  return
}

// -----

func.func @perm_scale(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(3) : memref<?xi32>
  // expected-error @+1 {{perm size (the rows) must be 2*T, got 3*T}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi32>, memref<9xi32>)
  return
}

// -----

func.func @indices_tokens(%x: memref<?x64xbf16>, %offs: memref<9xi32>) {
  %ids = kernel.buffer tokens(2) : memref<?x2xi32>
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{indices dim 0 (tokens) must be T, got 2*T}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi32>, memref<9xi32>)
  return
}

// -----

func.func @hidden(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x32xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{rows dim 1 (hidden size) must be 64, got 32}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x32xbf16>, memref<?xi32>, memref<9xi32>)
  return
}

// -----

func.func @rows_type(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xf32>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{rows element type 'f32' must match x's 'bf16'}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xf32>, memref<?xi32>, memref<9xi32>)
  return
}

// -----

func.func @offsets_dynamic(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<?xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{offsets must have a static shape, got 'memref<?xi32>'}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi32>, memref<?xi32>)
  return
}

// -----

func.func @offsets_size(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<1xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  // expected-error @+1 {{offsets must have E + 1 >= 2 entries, got 'memref<1xi32>'}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi32>, memref<1xi32>)
  return
}

// -----

func.func @perm_type(%x: memref<?x64xbf16>, %ids: memref<?x2xi32>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %perm = kernel.buffer tokens(2) : memref<?xi64>
  // expected-error @+1 {{perm must have element type i32, got 'memref<?xi64>'}}
  kernel.dispatch ins(%x, %ids : memref<?x64xbf16>, memref<?x2xi32>) outs(%rows, %perm, %offs : memref<?x64xbf16>, memref<?xi64>, memref<9xi32>)
  return
}
