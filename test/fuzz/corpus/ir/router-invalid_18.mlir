func.func @bias_rank(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<1x8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = moe.router %x, %g bias(%b : tensor<1x8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
