func.func @scheme_mismatch(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E4M3FN>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w scales(%s : tensor<4x1xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x128xf32>, tensor<4x128xf8E4M3FN> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
