func.func @weights_dynamic_k(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x?xf32>, tensor<?x2xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x?xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x?xf32>, tensor<?x2xi32>
}
