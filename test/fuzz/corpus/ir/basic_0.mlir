// ds-interp evaluates @forward on the CPU reference: an embedding lookup and
// a linear layer with bias, on hand-made weights.
//

// x = [[1, 2], [5, -1]]; y = x·Wᵀ + b.

module {
  moe.parameter @embed : tensor<4x2xf32> {key = "model.embed"}
  moe.parameter @w : tensor<3x2xf32> {key = "w"}
  moe.parameter @b : tensor<3xf32> {key = "b"}
  func.func @forward(%ids: tensor<?xi32> {moe.name = "input_ids"})
      -> (tensor<?x3xf32> {moe.name = "logits"}) {
    %e = moe.load @embed : tensor<4x2xf32>
    %x = moe.embedding %e[%ids] : tensor<4x2xf32>, tensor<?xi32> -> tensor<?x2xf32>
    %w = moe.load @w : tensor<3x2xf32>
    %b = moe.load @b : tensor<3xf32>
    %y = moe.linear %x, %w bias(%b : tensor<3xf32>) : tensor<?x2xf32>, tensor<3x2xf32> -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}
