func.func @int_input(%x: tensor<?x8xi32>, %w: tensor<8xf32>) -> (tensor<?x8xi32>, tensor<?x8xi32>) {
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xi32>, tensor<8xf32>
  return %s, %y : tensor<?x8xi32>, tensor<?x8xi32>
}
