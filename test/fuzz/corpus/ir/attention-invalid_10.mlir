// Zero kv heads is rejected (and must not divide by zero).
func.func @zero_kv_heads(%q: tensor<?x4x8xf32>, %k: tensor<?x0x8xf32>, %v: tensor<?x0x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x8xf32>, tensor<?x0x8xf32>, tensor<?x0x8xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}
