func.func @rms_norm_rank1_dynamic_d(%x: tensor<?xf32>, %w: tensor<8xf32>) {
  %0 = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?xf32>, tensor<8xf32>
  return
}
