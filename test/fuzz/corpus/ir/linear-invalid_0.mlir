func.func @input_rank0(%x: tensor<f32>, %w: tensor<4x8xf32>) -> tensor<4xf32> {
  %0 = moe.linear %x, %w : tensor<f32>, tensor<4x8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
