func.func @f64_experts(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf64>, %u: tensor<4x6x8xf64>, %d: tensor<4x8x6xf64>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf64>, tensor<4x6x8xf64>, tensor<4x8x6xf64>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
