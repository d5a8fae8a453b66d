// Simple ops stay.
func.func @simple(%x: tensor<?x16xf32>, %w: tensor<16xf32>) -> tensor<?x16xf32> {
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x16xf32>, tensor<16xf32>
  return %y : tensor<?x16xf32>
}
