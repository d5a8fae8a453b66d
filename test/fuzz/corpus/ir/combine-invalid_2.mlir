func.func @weights_rank(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?xf32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
