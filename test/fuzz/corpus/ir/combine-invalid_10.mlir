func.func @int_input(%y: tensor<?x8xi32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<?x8xi32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
