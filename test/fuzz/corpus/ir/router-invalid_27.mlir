// Config verification errors inside the op (the full list is in
// attributes-invalid.mlir).

func.func @greedy_with_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
