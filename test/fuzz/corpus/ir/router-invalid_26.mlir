func.func @result_count(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> tensor<?x2xf32> {
  %w = "moe.router"(%x, %g) <{config = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}> : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x2xf32>
  return %w : tensor<?x2xf32>
}
