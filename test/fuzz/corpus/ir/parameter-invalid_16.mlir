func.func @nested_ref() -> tensor<4xf32> {
  %0 = moe.load "p" : tensor<4xf32>
  return %0 : tensor<4xf32>
}
