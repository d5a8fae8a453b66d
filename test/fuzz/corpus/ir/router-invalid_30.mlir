func.func @too_many_operands(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = "moe.router"(%x, %g, %b, %b) <{config = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}> : (tensor<?x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>)
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
