func.func @element_types(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xbf16>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xbf16>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
