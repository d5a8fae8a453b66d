func.func @table_dynamic(%table: tensor<?x8xf32>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<?x8xf32>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
