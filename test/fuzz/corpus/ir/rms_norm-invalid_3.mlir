func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?xf32>) -> tensor<?x8xf32> {
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<?xf32>
  return %0 : tensor<?x8xf32>
}
