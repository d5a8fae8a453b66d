// The residual must have the input's type (only visible in generic form).
func.func @residual_type(%x: tensor<?x8xf32>, %r: tensor<?x8xbf16>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %s, %y = "moe.add_rms_norm"(%x, %r, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<?x8xbf16>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}
