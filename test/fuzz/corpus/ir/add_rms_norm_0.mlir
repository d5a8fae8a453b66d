func.func @add_rms_norm_bf16(%x: tensor<?x8xbf16>, %res: tensor<?x8xbf16>, %w: tensor<8xbf16>) -> (tensor<?x8xbf16>, tensor<?x8xbf16>) {
  %sum, %y = moe.add_rms_norm %x, %res, %w eps(1.0e-05) : tensor<?x8xbf16>, tensor<8xbf16>
  return %sum, %y : tensor<?x8xbf16>, tensor<?x8xbf16>
}

// The operand order is kept (input, then residual) and the weight may have
// another element type.
func.func @add_rms_norm_mixed(%x: tensor<?x8xf16>, %res: tensor<?x8xf16>, %w: tensor<8xf32>) -> (tensor<?x8xf16>, tensor<?x8xf16>) {
  %sum, %y = moe.add_rms_norm %res, %x, %w eps(0.125) : tensor<?x8xf16>, tensor<8xf32>
  return %sum, %y : tensor<?x8xf16>, tensor<?x8xf16>
}

func.func @add_rms_norm_rank3_static(%x: tensor<3x2x4xf32>, %w: tensor<4xf32>) -> (tensor<3x2x4xf32>, tensor<3x2x4xf32>) {
  %sum, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<3x2x4xf32>, tensor<4xf32>
  return %sum, %y : tensor<3x2x4xf32>, tensor<3x2x4xf32>
}
