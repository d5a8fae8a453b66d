func.func @noaux_topk_exceeds_kept_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<8xf32>) -> (tensor<?x5xf32>, tensor<?x5xi32>) {
  %w, %i = moe.router %x, %g bias(%b : tensor<8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 5, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x5xf32>, tensor<?x5xi32>
  return %w, %i : tensor<?x5xf32>, tensor<?x5xi32>
}
