func.func @groups_not_divisible(%x: tensor<?x16xf32>, %g: tensor<6x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = group_limited, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<6x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
