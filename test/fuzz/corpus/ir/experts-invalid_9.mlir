func.func @indices_rank(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
