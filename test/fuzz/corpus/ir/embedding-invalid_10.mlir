func.func @int_result(%table: tensor<16x8xf32>, %ids: tensor<?xi32>) -> tensor<?x8xi32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x8xi32>
  return %0 : tensor<?x8xi32>
}
