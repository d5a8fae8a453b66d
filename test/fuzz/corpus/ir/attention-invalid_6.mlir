func.func @value_kv_heads(%q: tensor<?x4x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x1x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x2x8xf32>, tensor<?x1x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}
