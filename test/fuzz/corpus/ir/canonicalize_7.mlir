// The bias of a quantized linear that is non-zero is kept next to the
// scales.
func.func @linear_int8_nonzero_bias(%x: tensor<?x128xf32>, %w: tensor<4x128xi8>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %y = moe.linear %x, %w scales(%s : tensor<4x1xf32>) bias(%b : tensor<4xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x128xf32>, tensor<4x128xi8> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
