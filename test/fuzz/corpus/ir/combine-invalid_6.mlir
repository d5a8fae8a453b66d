func.func @perm_size(%y: tensor<8x8xf32>, %p: tensor<6xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  %0 = moe.combine %y, %p, %w : tensor<8x8xf32>, tensor<6xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
