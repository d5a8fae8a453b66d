func.func @value_length(%q: tensor<?x2x8xf32>, %k: tensor<4x2x8xf32>, %v: tensor<5x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x2x8xf32>, tensor<4x2x8xf32>, tensor<5x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
