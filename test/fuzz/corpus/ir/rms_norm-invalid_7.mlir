func.func @eps_negative(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  %0 = moe.rms_norm %x, %w eps(-1.0e-05) : tensor<?x8xf32>, tensor<8xf32>
  return %0 : tensor<?x8xf32>
}
