func.func @float_ids(%table: tensor<16x8xf32>, %ids: tensor<?xf32>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
