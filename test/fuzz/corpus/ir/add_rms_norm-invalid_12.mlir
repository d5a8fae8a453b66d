func.func @operand_count(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %s, %y = "moe.add_rms_norm"(%x, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}
