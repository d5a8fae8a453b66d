func.func @table_rank(%table: tensor<16xf32>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16xf32>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
