// Two static token counts disagree across the dynamic input dimension.
func.func @router_tokens_disagree_through_dynamic(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<2x2xf32>, tensor<3x2xi32>
  return
}
