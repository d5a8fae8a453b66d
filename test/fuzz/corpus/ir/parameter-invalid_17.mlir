func.func @missing_parameter() -> tensor<4xf32> {
  %0 = "moe.load"() : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
