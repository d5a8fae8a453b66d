// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>, %w: memref<?x2xbf16>) {
  // expected-error @+1 {{expects 2 ins and 2 outs (x, gate; weights, indices), got 2 and 1}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x64xbf16>) outs(%w : memref<?x2xbf16>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @x_rank(%x: memref<?x2x64xbf16>, %gate: memref<8x64xbf16>, %w: memref<?x2xbf16>, %ids: memref<?x2xi32>) {
  // expected-error @+1 {{x must have rank 2 ([T, H]), got 'memref<?x2x64xbf16>'}}
  kernel.router ins(%x, %gate : memref<?x2x64xbf16>, memref<8x64xbf16>) outs(%w, %ids : memref<?x2xbf16>, memref<?x2xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @indices_type(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>, %w: memref<?x2xbf16>, %ids: memref<?x2xi64>) {
  // expected-error @+1 {{indices must have element type i32, got 'memref<?x2xi64>'}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x64xbf16>) outs(%w, %ids : memref<?x2xbf16>, memref<?x2xi64>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @hidden(%x: memref<?x64xbf16>, %gate: memref<8x32xbf16>, %w: memref<?x2xbf16>, %ids: memref<?x2xi32>) {
  // expected-error @+1 {{gate dim 1 (x's hidden size) must be 64, got 32}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x32xbf16>) outs(%w, %ids : memref<?x2xbf16>, memref<?x2xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @tokens(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>, %ids: memref<?x2xi32>) {
  %w = kernel.buffer tokens(2) : memref<?x2xbf16>
  // expected-error @+1 {{weights dim 0 (tokens) must be T, got 2*T}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x64xbf16>) outs(%w, %ids : memref<?x2xbf16>, memref<?x2xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @indices_k(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>, %w: memref<?x2xbf16>, %ids: memref<?x3xi32>) {
  // expected-error @+1 {{indices dim 1 (top_k, the weights') must be 2, got 3}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x64xbf16>) outs(%w, %ids : memref<?x2xbf16>, memref<?x3xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @top_k(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>, %w: memref<?x3xbf16>, %ids: memref<?x3xi32>) {
  // expected-error @+1 {{weights dim 1 (routing top_k) must be 2, got 3}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x64xbf16>) outs(%w, %ids : memref<?x3xbf16>, memref<?x3xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}

// -----

func.func @experts(%x: memref<?x64xbf16>, %gate: memref<4x64xbf16>, %w: memref<?x6xbf16>, %ids: memref<?x6xi32>) {
  // expected-error @+1 {{top_k (6) exceeds the number of experts (4)}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<4x64xbf16>) outs(%w, %ids : memref<?x6xbf16>, memref<?x6xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 6>}
  return
}

// -----

func.func @no_bias(%x: memref<?x64xbf16>, %gate: memref<16x64xbf16>, %w: memref<?x4xf32>, %ids: memref<?x4xi32>) {
  // expected-error @+1 {{noaux_tc selection needs a correction bias in}}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<16x64xbf16>) outs(%w, %ids : memref<?x4xf32>, memref<?x4xi32>) {routing = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 4, n_group = 4, topk_group = 2>}
  return
}

// -----

func.func @bias_size(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>, %b: memref<4xf32>, %w: memref<?x2xbf16>, %ids: memref<?x2xi32>) {
  // expected-error @+1 {{bias size (experts) must be 8, got 4}}
  kernel.router ins(%x, %gate, %b : memref<?x64xbf16>, memref<8x64xbf16>, memref<4xf32>) outs(%w, %ids : memref<?x2xbf16>, memref<?x2xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}
  return
}
