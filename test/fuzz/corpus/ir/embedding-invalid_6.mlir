func.func @result_hidden(%table: tensor<16x8xf32>, %ids: tensor<?xi32>) -> tensor<?x4xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
