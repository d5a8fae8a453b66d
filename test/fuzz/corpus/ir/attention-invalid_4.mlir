func.func @query_dynamic_heads(%q: tensor<?x?x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x?x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
