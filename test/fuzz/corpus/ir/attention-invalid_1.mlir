func.func @key_rank(%q: tensor<?x2x8xf32>, %k: tensor<?x1x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<?x1x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
