func.func @result_tokens(%q: tensor<4x2x8xf32>, %k: tensor<?x2x8xf32>, %v: tensor<?x2x8xf32>) -> tensor<3x2x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<4x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<3x2x8xf32>
  return %0 : tensor<3x2x8xf32>
}
