func.func @int_weights(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x2xi32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x2xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
