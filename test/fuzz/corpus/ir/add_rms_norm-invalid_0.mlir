func.func @input_rank0(%x: tensor<f32>, %w: tensor<1xf32>) -> (tensor<f32>, tensor<f32>) {
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<f32>, tensor<1xf32>
  return %s, %y : tensor<f32>, tensor<f32>
}
