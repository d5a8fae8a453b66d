func.func @eps_negative(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %s, %y = moe.add_rms_norm %x, %x, %w eps(-0.5) : tensor<?x8xf32>, tensor<8xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}
