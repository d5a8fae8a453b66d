func.func @indices_rank(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2x1xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2x1xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2x1xi32>
}
