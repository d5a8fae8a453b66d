// YaRN parameters are verified where the attribute is parsed (the full
// list of YaRN errors is in attributes-invalid.mlir).

func.func @yarn_factor(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 0.5, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}
