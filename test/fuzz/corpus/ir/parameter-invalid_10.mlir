func.func @unknown() -> tensor<4xf32> {
  %0 = moe.load @nope : tensor<4xf32>
  return %0 : tensor<4xf32>
}
