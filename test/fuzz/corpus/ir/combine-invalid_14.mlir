func.func @combine_perm_through_dynamic_rows(%y: tensor<?x4xf32>, %p: tensor<5xi32>, %w: tensor<2x2xf32>) {
  %0 = moe.combine %y, %p, %w : tensor<?x4xf32>, tensor<5xi32>, tensor<2x2xf32> -> tensor<2x4xf32>
  return
}
