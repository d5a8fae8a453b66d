func.func @weight_size_per_head(%x: tensor<?x4x16xf32>, %w: tensor<4xf32>) -> tensor<?x4x16xf32> {
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x4x16xf32>, tensor<4xf32>
  return %0 : tensor<?x4x16xf32>
}
