func.func @rms_norm_bf16(%x: tensor<?x8xbf16>, %w: tensor<8xbf16>) -> tensor<?x8xbf16> {
  %0 = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?x8xbf16>, tensor<8xbf16>
  return %0 : tensor<?x8xbf16>
}

// The weight may have another element type than the input.
func.func @rms_norm_mixed(%x: tensor<?x8xf16>, %w: tensor<8xf32>) -> tensor<?x8xf16> {
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xf16>, tensor<8xf32>
  return %0 : tensor<?x8xf16>
}

// Per-head q/k norm: rank-3 input, normalized over the last dimension.
func.func @rms_norm_per_head(%x: tensor<?x4x16xf32>, %w: tensor<16xf32>) -> tensor<?x4x16xf32> {
  %0 = moe.rms_norm %x, %w eps(1.000000e-06) : tensor<?x4x16xf32>, tensor<16xf32>
  return %0 : tensor<?x4x16xf32>
}

// Static token dimension and a rank-1 input.
func.func @rms_norm_static(%x: tensor<3x8xf32>, %v: tensor<8xf32>, %w: tensor<8xf32>) -> (tensor<3x8xf32>, tensor<8xf32>) {
  %0 = moe.rms_norm %x, %w eps(1.000000e-06) : tensor<3x8xf32>, tensor<8xf32>
  %1 = moe.rms_norm %v, %w eps(1.000000e-06) : tensor<8xf32>, tensor<8xf32>
  return %0, %1 : tensor<3x8xf32>, tensor<8xf32>
}
