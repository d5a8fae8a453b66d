func.func @result_rank0(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<f32> {
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
