func.func @result_type(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xbf16> {
  %0 = "moe.rms_norm"(%x, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}
