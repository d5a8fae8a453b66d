func.func @result_tokens(%x: tensor<5x8xf32>, %w: tensor<4x8xf32>) -> tensor<6x4xf32> {
  %0 = moe.linear %x, %w : tensor<5x8xf32>, tensor<4x8xf32> -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}
