func.func @experts_tokens_disagree_through_dynamic(%x: tensor<?x8xf32>, %w: tensor<2x2xf32>, %i: tensor<3x2xi32>, %g: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) {
  %y = moe.experts %x, %w, %i, %g, %g, %d : (tensor<?x8xf32>, tensor<2x2xf32>, tensor<3x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return
}
