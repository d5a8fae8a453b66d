// The result has the value's head dim, not the query's.
func.func @result_head_dim(%q: tensor<?x2x12xf32>, %k: tensor<?x2x12xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x12xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<?x2x12xf32>, tensor<?x2x8xf32> -> tensor<?x2x12xf32>
  return %0 : tensor<?x2x12xf32>
}
