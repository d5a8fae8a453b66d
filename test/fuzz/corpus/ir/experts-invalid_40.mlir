func.func @operand_count(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>) -> tensor<?x8xf32> {
  %y = "moe.experts"(%x, %w, %i, %g, %g) : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
