// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi32>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{expects 4 ins and 1 outs (rows, w, offsets, scales ('quant' is set); c), got 3 and 1}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>) {quant = #moe.quant<int8, block = [1, 128]>}
  return
}

// -----

func.func @w_rank(%rows: memref<?x64xbf16>, %w: memref<96x64xbf16>, %offs: memref<9xi32>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{w must have rank 3 ([E, N, K]), got 'memref<96x64xbf16>'}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>)
  return
}

// -----

func.func @offsets_type(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi64>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{offsets must have element type i32, got 'memref<9xi64>'}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi64>) outs(%c : memref<?x96xbf16>)
  return
}

// -----

func.func @no_experts(%rows: memref<?x64xbf16>, %w: memref<0x96x64xbf16>, %offs: memref<1xi32>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{needs at least one expert, got w 'memref<0x96x64xbf16>'}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<0x96x64xbf16>, memref<1xi32>) outs(%c : memref<?x96xbf16>)
  return
}

// -----

func.func @k(%rows: memref<?x32xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi32>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{w dim 2 (the rows' K) must be 32, got 64}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x32xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>)
  return
}

// -----

func.func @offsets_size(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<8xi32>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{offsets size (w experts + 1) must be 9, got 8}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<8xi32>) outs(%c : memref<?x96xbf16>)
  return
}

// -----

func.func @rows_scale(%w: memref<8x96x64xbf16>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // expected-error @+1 {{c rows (the rows') must be 2*T, got T}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>)
  return
}

// -----

func.func @n(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi32>, %c: memref<?x64xbf16>) {
  // expected-error @+1 {{c dim 1 (w dim 1, N) must be 96, got 64}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x64xbf16>)
  return
}

// -----

func.func @c_type(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi32>, %c: memref<?x96xf32>) {
  // expected-error @+1 {{c element type 'f32' must match the rows' 'bf16'}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xf32>)
  return
}

// -----

func.func @scales(%rows: memref<?x64xbf16>, %w: memref<8x96x64xi8>, %offs: memref<9xi32>, %s: memref<8x96x2xf32>, %c: memref<?x96xbf16>) {
  // expected-error @+1 {{scales of w must have shape [8, 96, 1] (blocks of 1x128 over [8, 96, 64]), got 'memref<8x96x2xf32>'}}
  kernel.grouped_gemm ins(%rows, %w, %offs, %s : memref<?x64xbf16>, memref<8x96x64xi8>, memref<9xi32>, memref<8x96x2xf32>) outs(%c : memref<?x96xbf16>) {quant = #moe.quant<int8, block = [1, 128]>}
  return
}

// -----

func.func @swiglu_width(%rows: memref<?x64xbf16>, %w: memref<8x192x64xbf16>, %offs: memref<9xi32>) {
  %c = kernel.buffer tokens(1) : memref<?x192xbf16>
  // expected-error @+1 {{c dim 1 (half of w dim 1, N/2) must be 96, got 192}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x192x64xbf16>, memref<9xi32>) outs(%c : memref<?x192xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
  return
}

// -----

func.func @bias(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi32>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // expected-error @+1 {{a grouped GEMM's epilogue takes no bias}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<bias = true>}
  return
}

// -----

func.func @split(%rows: memref<?x64xbf16>, %w: memref<8x96x64xbf16>, %offs: memref<9xi32>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // expected-error @+1 {{a grouped GEMM's epilogue takes no split}}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<split = [64, 32]>}
  return
}
