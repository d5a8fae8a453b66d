func.func @operand_count(%x: tensor<?x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = "moe.router"(%x) <{config = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}> : (tensor<?x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>)
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
