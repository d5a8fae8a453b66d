func.func @result_tokens(%table: tensor<16x8xf32>, %ids: tensor<4xi32>) -> tensor<3x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<4xi32> -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
