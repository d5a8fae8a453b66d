func.func @input_rank0(%x: tensor<f32>, %w: tensor<1xf32>) -> tensor<f32> {
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<f32>, tensor<1xf32>
  return %0 : tensor<f32>
}
