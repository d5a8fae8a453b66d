func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<?xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}
