// bf16 zero bias, rank-3 input.
func.func @linear_zero_bias_bf16(%x: tensor<?x2x8xbf16>, %w: tensor<4x8xbf16>) -> tensor<?x2x4xbf16> {
  %b = arith.constant dense<0.0> : tensor<4xbf16>
  %y = moe.linear %x, %w bias(%b : tensor<4xbf16>) : tensor<?x2x8xbf16>, tensor<4x8xbf16> -> tensor<?x2x4xbf16>
  return %y : tensor<?x2x4xbf16>
}
