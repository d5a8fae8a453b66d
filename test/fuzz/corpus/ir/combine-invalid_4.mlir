func.func @weights_dynamic_k(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x?xf32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x?xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
