// 8 experts in 4 groups of 2; keeping 1 group leaves only 2 experts for a
// top-3.
func.func @topk_exceeds_kept_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = group_limited, top_k = 3, n_group = 4, topk_group = 1>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x3xf32>, tensor<?x3xi32>
  return %w, %i : tensor<?x3xf32>, tensor<?x3xi32>
}
