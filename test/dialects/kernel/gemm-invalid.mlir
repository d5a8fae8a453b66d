// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{expects 3 ins and 1 outs (a, w, bias (the epilogue has bias); c), got 2 and 1}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<bias = true>}
  return
}

// -----

func.func @a_rank(%a: memref<?x2x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{a must have rank 2 ([M, K]), got 'memref<?x2x64xbf16>'}}
  kernel.gemm ins(%a, %w : memref<?x2x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @w_dynamic(%a: memref<?x64xbf16>, %w: memref<?x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{w must have a static shape, got 'memref<?x64xbf16>'}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<?x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @a_int(%a: memref<?x64xi32>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{a must have a float element type, got 'memref<?x64xi32>'}}
  kernel.gemm ins(%a, %w : memref<?x64xi32>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @k(%a: memref<?x32xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{w dim 1 (a's K) must be 32, got 64}}
  kernel.gemm ins(%a, %w : memref<?x32xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @rows_scale(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(2) : memref<?x128xbf16>
  // expected-error @+1 {{c dim 0 (a's rows M) must be T, got 2*T}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @rows_static(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer : memref<4x128xbf16>
  // expected-error @+1 {{c dim 0 (a's rows M) must be T, got 4}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<4x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @n(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x64xbf16>
  // expected-error @+1 {{c dim 1 (w dim 0, N) must be 128, got 64}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x64xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @c_type(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xf32>
  // expected-error @+1 {{c element type 'f32' must match a's 'bf16'}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xf32>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @bias_size(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>, %b: memref<64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{bias size (N) must be 128, got 64}}
  kernel.gemm ins(%a, %w, %b : memref<?x64xbf16>, memref<128x64xbf16>, memref<64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<bias = true>}
  return
}

// -----

func.func @quant_dense(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>, %s: memref<1x1xf32>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{'quant' needs a quantized weight, but w has the dense element type 'bf16'}}
  kernel.gemm ins(%a, %w, %s : memref<?x64xbf16>, memref<128x64xbf16>, memref<1x1xf32>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}

// -----

func.func @no_quant(%a: memref<?x64xbf16>, %w: memref<128x64xf8E4M3FN>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{w of quantized element type 'f8E4M3FN' needs a 'quant' attribute}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xf8E4M3FN>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  return
}

// -----

func.func @scales_shape(%a: memref<?x64xbf16>, %w: memref<128x64xf8E4M3FN>, %s: memref<2x2xf32>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // expected-error @+1 {{scales of w must have shape [1, 1] (blocks of 128x128 over [128, 64]), got 'memref<2x2xf32>'}}
  kernel.gemm ins(%a, %w, %s : memref<?x64xbf16>, memref<128x64xf8E4M3FN>, memref<2x2xf32>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}

// -----

func.func @swiglu_width(%a: memref<?x64xbf16>, %w: memref<192x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x192xbf16>
  // expected-error @+1 {{c dim 1 (half of w dim 0, N/2) must be 96, got 192}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<192x64xbf16>) outs(%c : memref<?x192xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
  return
}

// -----

func.func @swiglu_bias(%a: memref<?x64xbf16>, %w: memref<192x64xbf16>, %b: memref<192xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // expected-error @+1 {{an epilogue with swiglu takes no bias}}
  kernel.gemm ins(%a, %w, %b : memref<?x64xbf16>, memref<192x64xbf16>, memref<192xbf16>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<bias = true, swiglu = true>}
  return
}

// -----

func.func @swiglu_block(%a: memref<?x128xbf16>, %w: memref<192x128xf8E4M3FN>, %s: memref<2x1xf32>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // expected-error @+1 {{'swiglu' needs half of w dim 0 (96) to be a multiple of the quant block's rows (128)}}
  kernel.gemm ins(%a, %w, %s : memref<?x128xbf16>, memref<192x128xf8E4M3FN>, memref<2x1xf32>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}

// -----

func.func @split_outs(%a: memref<?x64xbf16>, %w: memref<96x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // expected-error @+1 {{expects 2 ins and 3 outs (a, w; one c per split segment), got 2 and 1}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<96x64xbf16>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<split = [64, 16, 16]>}
  return
}

// -----

func.func @split_sum(%a: memref<?x64xbf16>, %w: memref<96x64xbf16>) {
  %q = kernel.buffer tokens(1) : memref<?x64xbf16>
  %k = kernel.buffer tokens(1) : memref<?x16xbf16>
  // expected-error @+1 {{split segments sum to 80, but w dim 0 (N) is 96}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<96x64xbf16>) outs(%q, %k : memref<?x64xbf16>, memref<?x16xbf16>) {epilogue = #kernel.epilogue<split = [64, 16]>}
  return
}

// -----

func.func @split_many(%a: memref<?x64xbf16>, %w: memref<5x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x1xbf16>
  // expected-error @+1 {{an epilogue's split needs 2 to 4 segments, got 5}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<5x64xbf16>) outs(%c, %c, %c, %c, %c : memref<?x1xbf16>, memref<?x1xbf16>, memref<?x1xbf16>, memref<?x1xbf16>, memref<?x1xbf16>) {epilogue = #kernel.epilogue<split = [1, 1, 1, 1, 1]>}
  return
}

// -----

func.func @split_out_dim(%a: memref<?x64xbf16>, %w: memref<96x64xbf16>) {
  %q = kernel.buffer tokens(1) : memref<?x64xbf16>
  %k = kernel.buffer tokens(1) : memref<?x16xbf16>
  // expected-error @+1 {{c1 dim 1 (its split segment) must be 32, got 16}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<96x64xbf16>) outs(%q, %k : memref<?x64xbf16>, memref<?x16xbf16>) {epilogue = #kernel.epilogue<split = [64, 32]>}
  return
}

// -----

func.func @split_swiglu(%a: memref<?x64xbf16>, %w: memref<96x64xbf16>) {
  %q = kernel.buffer tokens(1) : memref<?x32xbf16>
  %k = kernel.buffer tokens(1) : memref<?x16xbf16>
  // expected-error @+1 {{an epilogue with swiglu takes no split}}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<96x64xbf16>) outs(%q, %k : memref<?x32xbf16>, memref<?x16xbf16>) {epilogue = #kernel.epilogue<swiglu = true, split = [64, 32]>}
  return
}

// -----

func.func @split_block(%a: memref<?x128xbf16>, %w: memref<320x128xf8E4M3FN>, %s: memref<3x1xf32>) {
  %q = kernel.buffer tokens(1) : memref<?x64xbf16>
  %k = kernel.buffer tokens(1) : memref<?x256xbf16>
  // expected-error @+1 {{split segment 0 (64 rows) must be a multiple of the quant block's rows (128)}}
  kernel.gemm ins(%a, %w, %s : memref<?x128xbf16>, memref<320x128xf8E4M3FN>, memref<3x1xf32>) outs(%q, %k : memref<?x64xbf16>, memref<?x256xbf16>) {epilogue = #kernel.epilogue<split = [64, 256]>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}
