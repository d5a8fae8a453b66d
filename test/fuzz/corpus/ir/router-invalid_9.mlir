func.func @indices_tokens(%x: tensor<3x16xf32>, %g: tensor<8x16xf32>) -> (tensor<3x2xf32>, tensor<2x2xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<3x16xf32>, tensor<8x16xf32> -> tensor<3x2xf32>, tensor<2x2xi32>
  return %w, %i : tensor<3x2xf32>, tensor<2x2xi32>
}
