// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %o: memref<?x4x16xbf16>) {
  // expected-error @+1 {{expects 3 ins and 1 outs (q, k, v and optionally shared_key; o), got 2 and 1}}
  kernel.attention ins(%q, %k : memref<?x4x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @q_rank(%q: memref<?x64xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>, %o: memref<?x4x16xbf16>) {
  // expected-error @+1 {{q must have rank 3 ([T, heads, qk_head_dim]), got 'memref<?x64xbf16>'}}
  kernel.attention ins(%q, %k, %v : memref<?x64xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @q_int(%q: memref<?x4x16xi32>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>, %o: memref<?x4x16xbf16>) {
  // expected-error @+1 {{q must have a float element type, got 'memref<?x4x16xi32>'}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xi32>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @v_heads(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x1x16xbf16>, %o: memref<?x4x16xbf16>) {
  // expected-error @+1 {{v kv_heads (k's) must be 2, got 1}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x1x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @v_length(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %o: memref<?x4x16xbf16>) {
  %v = kernel.buffer tokens(2) : memref<?x2x16xbf16>
  // expected-error @+1 {{v length S (k's) must be T, got 2*T}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @gqa(%q: memref<?x3x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>, %o: memref<?x3x16xbf16>) {
  // expected-error @+1 {{q heads (3) must be a multiple of kv heads (2)}}
  kernel.attention ins(%q, %k, %v : memref<?x3x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x3x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @shared_rank(%q: memref<?x4x24xbf16>, %k: memref<?x4x16xbf16>, %v: memref<?x4x8xbf16>, %kpe: memref<?x1x8xbf16>, %o: memref<?x4x8xbf16>) {
  // expected-error @+1 {{shared_key must have rank 2 ([S, shared_dim]), got 'memref<?x1x8xbf16>'}}
  kernel.attention ins(%q, %k, %v, %kpe : memref<?x4x24xbf16>, memref<?x4x16xbf16>, memref<?x4x8xbf16>, memref<?x1x8xbf16>) outs(%o : memref<?x4x8xbf16>) {scale = 0.125 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @shared_length(%q: memref<?x4x24xbf16>, %k: memref<?x4x16xbf16>, %v: memref<?x4x8xbf16>, %o: memref<?x4x8xbf16>) {
  %kpe = kernel.buffer : memref<3x8xbf16>
  // expected-error @+1 {{shared_key length S (k's) must be T, got 3}}
  kernel.attention ins(%q, %k, %v, %kpe : memref<?x4x24xbf16>, memref<?x4x16xbf16>, memref<?x4x8xbf16>, memref<3x8xbf16>) outs(%o : memref<?x4x8xbf16>) {scale = 0.125 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @key_dim(%q: memref<?x4x24xbf16>, %k: memref<?x4x16xbf16>, %v: memref<?x4x8xbf16>, %o: memref<?x4x8xbf16>) {
  // expected-error @+1 {{q head dim 24 must equal the key head dim 16}}
  kernel.attention ins(%q, %k, %v : memref<?x4x24xbf16>, memref<?x4x16xbf16>, memref<?x4x8xbf16>) outs(%o : memref<?x4x8xbf16>) {scale = 0.125 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @o_tokens(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>) {
  %o = kernel.buffer tokens(3) : memref<?x4x16xbf16>
  // expected-error @+1 {{o dim 0 (tokens) must be T, got 3*T}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @o_heads(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>, %o: memref<?x2x16xbf16>) {
  // expected-error @+1 {{o heads must be 4, got 2}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x2x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @o_dim(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x8xbf16>, %o: memref<?x4x16xbf16>) {
  // expected-error @+1 {{o head dim (v's) must be 8, got 16}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x8xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @more_queries(%k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>) {
  %q = kernel.buffer tokens(2) : memref<?x4x16xbf16>
  %o = kernel.buffer tokens(2) : memref<?x4x16xbf16>
  // expected-error @+1 {{has more queries (2*T) than keys (T): causal queries are aligned to the end of the keys}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @o_type(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>, %o: memref<?x4x16xf32>) {
  // expected-error @+1 {{o element type 'f32' must match q's 'bf16'}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xf32>) {scale = 0.25 : f64, window = #moe.window<global>}
  return
}

// -----

func.func @scale(%q: memref<?x4x16xbf16>, %k: memref<?x2x16xbf16>, %v: memref<?x2x16xbf16>, %o: memref<?x4x16xbf16>) {
  // expected-error @+1 {{'scale' must be > 0, got 0}}
  kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {scale = 0.0 : f64, window = #moe.window<global>}
  return
}
