func.func @dense_with_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>, %sg: tensor<4x6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>, tensor<4x6x1xf32>, tensor<4x6x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
