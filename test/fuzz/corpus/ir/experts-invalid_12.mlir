func.func @indices_tokens(%x: tensor<3x8xf32>, %w: tensor<3x2xf32>, %i: tensor<2x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<3x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<3x8xf32>, tensor<3x2xf32>, tensor<2x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}
