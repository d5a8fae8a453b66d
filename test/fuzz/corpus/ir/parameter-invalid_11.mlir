func.func @not_a_parameter() -> tensor<4xf32> {
  %0 = moe.load @not_a_parameter : tensor<4xf32>
  return %0 : tensor<4xf32>
}
