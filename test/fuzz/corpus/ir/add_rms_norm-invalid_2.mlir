func.func @weight_rank(%x: tensor<?x8xf32>, %w: tensor<8x1xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<8x1xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}
