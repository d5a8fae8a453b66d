func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %w: tensor<8xf32>) -> tensor<?x?xf32> {
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x?xf32>, tensor<8xf32>
  return %0 : tensor<?x?xf32>
}
