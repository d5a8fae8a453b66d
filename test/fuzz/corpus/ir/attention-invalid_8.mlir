func.func @heads_not_multiple(%q: tensor<?x4x8xf32>, %k: tensor<?x3x8xf32>, %v: tensor<?x3x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x3x8xf32>, tensor<?x3x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}
