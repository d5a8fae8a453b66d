moe.parameter @p : tensor<4x8xbf16> {key = "p"}
func.func @wrong_shape() -> tensor<8x4xbf16> {
  %0 = moe.load @p : tensor<8x4xbf16>
  return %0 : tensor<8x4xbf16>
}
