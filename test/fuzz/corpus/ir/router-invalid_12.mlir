func.func @topk_exceeds_experts(%x: tensor<?x16xf32>, %g: tensor<4x16xf32>) -> (tensor<?x6xf32>, tensor<?x6xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 6>) : tensor<?x16xf32>, tensor<4x16xf32> -> tensor<?x6xf32>, tensor<?x6xi32>
  return %w, %i : tensor<?x6xf32>, tensor<?x6xi32>
}
