moe.parameter @p : tensor<4xf32>
func.func @unranked() -> tensor<*xf32> {
  %0 = moe.load @p : tensor<*xf32>
  return %0 : tensor<*xf32>
}
