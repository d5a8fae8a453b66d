// Bad inputs and weights give an error naming the tensor, never a crash or a
// silently wrong answer.
//

// A token id outside the vocabulary.
// RANGE: errors.mlir:[[@LINE+46]]:{{[0-9]+}}: error: {{.*}}4
// NEG: errors.mlir:[[@LINE+43]]:{{[0-9]+}}: error: {{.*}}-1

// Inputs of the wrong dtype or rank, or missing.
// DTYPE: ds-interp: error: {{.*}}f32.safetensors: tensor 'input_ids' is F32[2], argument 0 of @forward is tensor<?xi32>
// RANK: ds-interp: error: {{.*}}: tensor 'input_ids' is I32[1, 2], argument 0 of @forward is tensor<?xi32>
// NO_INPUT: ds-interp: error: {{.*}}: no tensor 'input_ids' for argument 0 of @forward

// A parameter missing from the weights, or of the wrong shape or dtype.
// MISSING: errors.mlir:[[@LINE+28]]:{{[0-9]+}}: error: parameter @w: tensor 'w' is missing from the checkpoint
// SHAPE: error: parameter @w: tensor 'w' is F32[2, 3], expected F32[3, 2]
// WDTYPE: error: parameter @w: tensor 'w' is BF16[3, 2], expected F32[3, 2]

// Files that do not exist, and an unknown entry function.
// NO_WEIGHTS: ds-interp: error: {{.*}}nothing
// NO_INPUTS: ds-interp: error: {{.*}}nothing
// ENTRY: ds-interp: error: no function @main with a body in

// Success writes the output.
// OK: logits F32[2, 3] 1.0000 2.0000 3.0000 5.0000 -1.0000 4.0000

module {
  moe.parameter @embed : tensor<4x2xf32> {key = "embed"}
  moe.parameter @w : tensor<3x2xf32> {key = "w"}
  func.func @forward(%ids: tensor<?xi32> {moe.name = "input_ids"})
      -> (tensor<?x3xf32> {moe.name = "logits"}) {
    %e = moe.load @embed : tensor<4x2xf32>
    %x = moe.embedding %e[%ids] : tensor<4x2xf32>, tensor<?xi32> -> tensor<?x2xf32>
    %w = moe.load @w : tensor<3x2xf32>
    %y = moe.linear %x, %w : tensor<?x2xf32>, tensor<3x2xf32> -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}
