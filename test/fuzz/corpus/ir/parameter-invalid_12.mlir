moe.parameter @p : tensor<4x8xbf16> {key = "p"}
func.func @wrong_type() -> tensor<4x8xf32> {
  %0 = moe.load @p : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
