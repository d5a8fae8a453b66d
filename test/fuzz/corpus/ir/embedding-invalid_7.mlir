func.func @int_table(%table: tensor<16x8xi8>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xi8>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
