func.func @ids_rank(%table: tensor<16x8xf32>, %ids: tensor<?x1xi32>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?x1xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
