// The result has one row per token, not per routed copy.
func.func @result_tokens(%y: tensor<8x8xf32>, %p: tensor<8xi32>, %w: tensor<4x2xf32>) -> tensor<8x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<8x8xf32>, tensor<8xi32>, tensor<4x2xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
