// Dropping the bias of a quantized linear keeps its scales and quant (the
// operand segments are updated: the result verifies and prints).
func.func @linear_fp8_zero_bias(%x: tensor<?x128xbf16>, %w: tensor<192x128xf8E4M3FN>, %s: tensor<2x1xf32>) -> tensor<?x192xbf16> {
  %b = arith.constant dense<0.0> : tensor<192xf32>
  %y = moe.linear %x, %w scales(%s : tensor<2x1xf32>) bias(%b : tensor<192xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<192x128xf8E4M3FN> -> tensor<?x192xbf16>
  return %y : tensor<?x192xbf16>
}
