func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %w: tensor<8xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x?xf32>, tensor<8xf32>
  return %s, %y : tensor<?x?xf32>, tensor<?x?xf32>
}
