// With a shared key, the query head dim is key + shared_key; a query of
// just the key's head dim is rejected.
func.func @qk_dim_shared(%q: tensor<?x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>, %kpe: tensor<?x4xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x4xf32>) scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
