func.func @i16_ids(%table: tensor<16x8xf32>, %ids: tensor<?xi16>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi16> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
