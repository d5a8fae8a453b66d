func.func @swiglu_bf16(%g: tensor<?x12xbf16>, %u: tensor<?x12xbf16>) -> tensor<?x12xbf16> {
  %0 = moe.swiglu %g, %u : tensor<?x12xbf16>
  return %0 : tensor<?x12xbf16>
}

// The operand order (gate, up) is kept.
func.func @swiglu_order(%g: tensor<?x12xf16>, %u: tensor<?x12xf16>) -> tensor<?x12xf16> {
  %0 = moe.swiglu %u, %g : tensor<?x12xf16>
  return %0 : tensor<?x12xf16>
}

// Any rank and static shapes.
func.func @swiglu_shapes(%a: tensor<4x2x6xf32>, %b: tensor<6xf32>) -> (tensor<4x2x6xf32>, tensor<6xf32>) {
  %0 = moe.swiglu %a, %a : tensor<4x2x6xf32>
  %1 = moe.swiglu %b, %b : tensor<6xf32>
  return %0, %1 : tensor<4x2x6xf32>, tensor<6xf32>
}
