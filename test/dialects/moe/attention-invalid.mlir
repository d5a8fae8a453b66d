// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @query_rank(%q: tensor<?x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{query must have rank 3 ([T, heads, qk_head_dim]), got 'tensor<?x8xf32>'}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @key_rank(%q: tensor<?x2x8xf32>, %k: tensor<?x1x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{key must have rank 3 ([S, kv_heads, k_head_dim]), got 'tensor<?x1x2x8xf32>'}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x1x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @value_rank(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x16xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{value must have rank 3 ([S, kv_heads, v_head_dim]), got 'tensor<?x16xf32>'}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x16xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @result_rank(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x16xf32> {
  // expected-error @+1 {{result must have rank 3 ([T, heads, v_head_dim]), got 'tensor<?x16xf32>'}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

func.func @query_dynamic_heads(%q: tensor<?x?x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{query may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?x8xf32>' is dynamic}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x?x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @key_dynamic_dim(%q: tensor<?x2x8xf32>, %k: tensor<?x2x?xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{key may only have a dynamic token dimension (dim 0), but dim 2 of 'tensor<?x2x?xf32>' is dynamic}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x?xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @value_kv_heads(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x1x8xf32>) -> tensor<?x4x8xf32> {
  // expected-error @+1 {{value kv_heads (the key's) must be 2, got 1}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x1x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// -----

func.func @value_length(%q: tensor<?x2x8xf32>, %k: tensor<4x2x8xf32>, %v: tensor<5x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{value length S (the key's) must be 4, got 5}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<4x2x8xf32>, tensor<5x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @heads_not_multiple(%q: tensor<?x4x8xf32>, %k: tensor<?x3x8xf32>, %v: tensor<?x3x8xf32>) -> tensor<?x4x8xf32> {
  // expected-error @+1 {{query heads (4) must be a multiple of kv heads (3)}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// -----

// More kv heads than query heads.
func.func @more_kv_heads(%q: tensor<?x2x8xf32>, %k: tensor<?x4x8xf32>, %v: tensor<?x4x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{query heads (2) must be a multiple of kv heads (4)}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

// Zero kv heads is rejected (and must not divide by zero).
func.func @zero_kv_heads(%q: tensor<?x4x8xf32>, %k: tensor<?x0x8xf32>, %v: tensor<?x0x8xf32>) -> tensor<?x4x8xf32> {
  // expected-error @+1 {{query heads (4) must be a multiple of kv heads (0)}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x0x8xf32>, tensor<?x0x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// -----

func.func @shared_key_rank(%q: tensor<?x2x12xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x1x4xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{shared_key must have rank 2 ([S, shared_dim]), got 'tensor<?x1x4xf32>'}}
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x1x4xf32>) scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @shared_key_dynamic_dim(%q: tensor<?x2x12xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x?xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{shared_key may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x?xf32>) scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @shared_key_length(%q: tensor<?x2x12xf32>, %k: tensor<4x2x8xf32>, %v: tensor<4x2x8xf32>, %kpe: tensor<5x4xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{shared_key length S (the key's) must be 4, got 5}}
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<5x4xf32>) scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<4x2x8xf32>, tensor<4x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @qk_dim(%q: tensor<?x2x16xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x16xf32>) -> tensor<?x2x16xf32> {
  // expected-error @+1 {{query head dim 16 must equal the key head dim 8}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x16xf32>, tensor<?x2x8xf32>, tensor<?x2x16xf32> -> tensor<?x2x16xf32>
  return %0 : tensor<?x2x16xf32>
}

// -----

// With a shared key, the query head dim is key + shared_key; a query of
// just the key's head dim is rejected.
func.func @qk_dim_shared(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{query head dim 8 must equal the key head dim 12 (key + shared_key)}}
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x4xf32>) scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @result_tokens(%q: tensor<4x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<3x2x8xf32> {
  // expected-error @+1 {{result dim 0 (tokens) must be 4, got 3}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<4x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<3x2x8xf32>
  return %0 : tensor<3x2x8xf32>
}

// -----

// The result has the query's heads, not the kv heads.
func.func @result_heads(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{result heads must be 4, got 2}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

// The result has the value's head dim, not the query's.
func.func @result_head_dim(%q: tensor<?x2x12xf32>, %k: tensor<?x2x12xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x12xf32> {
  // expected-error @+1 {{result head dim (the value's) must be 8, got 12}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<?x2x12xf32>, tensor<?x2x8xf32> -> tensor<?x2x12xf32>
  return %0 : tensor<?x2x12xf32>
}

// -----

func.func @result_element_type(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xbf16> {
  // expected-error @+1 {{result element type 'bf16' must match the query's 'f32'}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xbf16>
  return %0 : tensor<?x2x8xbf16>
}

// -----

func.func @scale_zero(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{'scale' must be > 0, got 0.000000e+00}}
  %0 = moe.attention %q, %k, %v scale(0.0) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @scale_negative(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{'scale' must be > 0, got -2.500000e-01}}
  %0 = moe.attention %q, %k, %v scale(-0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @scale_nan(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{'scale' must be > 0, got nan}}
  %0 = moe.attention %q, %k, %v scale(0x7FF8000000000000) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @int_query(%q: tensor<?x2x8xi32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xi32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @int_shared_key(%q: tensor<?x2x12xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x4xi8>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{operand #3 must be ranked tensor of floating-point values}}
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x4xi8>) scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @missing_window(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{requires attribute 'window'}}
  %0 = "moe.attention"(%q, %q, %q) <{scale = 2.5e-01 : f64}> : (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @window_kind(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{Invalid attribute `window` in property conversion: #moe.yarn}}
  %0 = "moe.attention"(%q, %q, %q) <{scale = 2.5e-01 : f64, window = #moe.yarn<factor = 2.0, original_max_position_embeddings = 16>}> : (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @operand_count(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{expected 3 or more operands, but found 2}}
  %0 = "moe.attention"(%q, %q) <{scale = 2.5e-01 : f64, window = #moe.window<global>}> : (tensor<?x2x8xf32>, tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

// Window parse and verification errors inside the op (the full list is in
// attributes-invalid.mlir).

func.func @unknown_window(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{unknown window kind 'causal' (expected global, sliding, chunked, local_global or adaptive)}}
  %0 = moe.attention %q, %q, %q scale(0.25) window(<causal>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @sliding_zero(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{the size of a sliding window must be >= 1, got 0}}
  %0 = moe.attention %q, %q, %q scale(0.25) window(<sliding 0>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @attention_shared_key_length_through_dynamic(%q: tensor<?x4x12xf32>, %k: tensor<?x2x8xf32>, %v: tensor<4x2x8xf32>, %s: tensor<5x4xf32>) {
  // expected-error @+1 {{shared_key length S (the key's) must be 4, got 5}}
  %0 = moe.attention %q, %k, %v shared_key(%s : tensor<5x4xf32>) scale(0.5) window(<global>) : tensor<?x4x12xf32>, tensor<?x2x8xf32>, tensor<4x2x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @attention_more_queries_than_keys(%q: tensor<8x4x8xf32>, %k: tensor<2x2x8xf32>) {
  // expected-error @+1 {{has more queries (8) than keys (2)}}
  %0 = moe.attention %q, %k, %k scale(0.5) window(<global>) : tensor<8x4x8xf32>, tensor<2x2x8xf32>, tensor<2x2x8xf32> -> tensor<8x4x8xf32>
  return
}
