func.func @embedding_i32(%table: tensor<16x8xbf16>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xbf16>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

func.func @embedding_i64(%table: tensor<16x8xf32>, %ids: tensor<?xi64>) -> tensor<?x8xbf16> {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi64> -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}

// Static token counts: the result's token dimension may be static, or
// dynamic while the ids are static.
func.func @embedding_static(%table: tensor<16x8xf16>, %ids: tensor<3xi32>) -> (tensor<3x8xf16>, tensor<?x8xf16>) {
  %0 = moe.embedding %table[%ids] : tensor<16x8xf16>, tensor<3xi32> -> tensor<3x8xf16>
  %1 = moe.embedding %table[%ids] : tensor<16x8xf16>, tensor<3xi32> -> tensor<?x8xf16>
  return %0, %1 : tensor<3x8xf16>, tensor<?x8xf16>
}
