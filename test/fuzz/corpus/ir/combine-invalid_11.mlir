func.func @float_perm(%y: tensor<?x8xf32>, %p: tensor<?xf32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xf32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
