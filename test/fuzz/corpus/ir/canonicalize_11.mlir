// A real scaling factor is kept.
func.func @rope_yarn_kept(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 4.0, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}
