func.func @i64_indices(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi64>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi64>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi64>
}
