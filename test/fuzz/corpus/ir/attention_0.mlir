// Multi-head attention (kv heads = heads), global window.
func.func @mha(%q: tensor<?x4x8xbf16>, %k: tensor<?x4x8xbf16>, %v: tensor<?x4x8xbf16>) -> tensor<?x4x8xbf16> {
  %0 = moe.attention %q, %k, %v scale(0.353553) window(<global>) : tensor<?x4x8xbf16>, tensor<?x4x8xbf16>, tensor<?x4x8xbf16> -> tensor<?x4x8xbf16>
  return %0 : tensor<?x4x8xbf16>
}

// Grouped-query attention (4 heads share 2 kv heads), sliding window.
func.func @gqa_sliding(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<sliding 4>) : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// Multi-query attention (one kv head), chunked window. The window may be
// written with the full attribute syntax; it prints in the short form.
func.func @mqa_chunked(%q: tensor<?x4x8xf16>, %k: tensor<?x1x8xf16>, %v: tensor<?x1x8xf16>) -> tensor<?x4x8xf16> {
  %0 = moe.attention %q, %k, %v scale(0.125) window(#moe.window<chunked 16>) : tensor<?x4x8xf16>, tensor<?x1x8xf16>, tensor<?x1x8xf16> -> tensor<?x4x8xf16>
  return %0 : tensor<?x4x8xf16>
}

// A sliding window plus attention sinks.
func.func @local_global(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<local_global 8, sinks 2>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// Windows of size 1.
func.func @unit_windows(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>) {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<sliding 1>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  %1 = moe.attention %q, %k, %v scale(0.25) window(<chunked 1>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  %2 = moe.attention %q, %k, %v scale(0.25) window(<local_global 1, sinks 1>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0, %1, %2 : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>
}

// The value head dim may differ from the query/key head dim.
func.func @qk_dim_ne_v_dim(%q: tensor<?x4x12xbf16>, %k: tensor<?x2x12xbf16>, %v: tensor<?x2x8xbf16>) -> tensor<?x4x8xbf16> {
  %0 = moe.attention %q, %k, %v scale(0.288675) window(<global>) : tensor<?x4x12xbf16>, tensor<?x2x12xbf16>, tensor<?x2x8xbf16> -> tensor<?x4x8xbf16>
  return %0 : tensor<?x4x8xbf16>
}

// Multi-head latent attention: the shared RoPE key (dim 4) is appended to
// every head's key (dim 8), so the query head dim is 12; dv = 8.
func.func @mla_shared_key(%q: tensor<?x4x12xbf16>, %k: tensor<?x4x8xbf16>, %v: tensor<?x4x8xbf16>, %kpe: tensor<?x4xbf16>) -> tensor<?x4x8xbf16> {
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x4xbf16>) scale(0.5) window(<global>) : tensor<?x4x12xbf16>, tensor<?x4x8xbf16>, tensor<?x4x8xbf16> -> tensor<?x4x8xbf16>
  return %0 : tensor<?x4x8xbf16>
}

// MLA with a sliding window and different key/value head dims.
func.func @mla_window(%q: tensor<?x2x6xf32>, %k: tensor<?x2x4xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x2xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x2xf32>) scale(1.0) window(<sliding 32>) : tensor<?x2x6xf32>, tensor<?x2x4xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// Static token dims: 2 queries over a KV cache of 6 keys (S > T), and
// static queries over dynamic keys.
func.func @static_tokens(%q: tensor<2x4x8xf32>, %k: tensor<6x2x8xf32>, %v: tensor<6x2x8xf32>, %kd: tensor<?x2x8xf32>, %vd: tensor<?x2x8xf32>, %q12: tensor<2x4x12xf32>, %kpe: tensor<6x4xf32>) -> (tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>) {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<2x4x8xf32>, tensor<6x2x8xf32>, tensor<6x2x8xf32> -> tensor<2x4x8xf32>
  %1 = moe.attention %q, %kd, %vd scale(0.25) window(<sliding 2>) : tensor<2x4x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<2x4x8xf32>
  %2 = moe.attention %q12, %k, %v shared_key(%kpe : tensor<6x4xf32>) scale(0.25) window(<global>) : tensor<2x4x12xf32>, tensor<6x2x8xf32>, tensor<6x2x8xf32> -> tensor<2x4x8xf32>
  return %0, %1, %2 : tensor<2x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>
}

// Key and value element types may differ from the query's; the result
// follows the query.
func.func @mixed_types(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xbf16>, %v: tensor<?x2x8xf16>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xbf16>, tensor<?x2x8xf16> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
