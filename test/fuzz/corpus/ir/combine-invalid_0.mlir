func.func @input_rank(%y: tensor<?xf32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<?xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
