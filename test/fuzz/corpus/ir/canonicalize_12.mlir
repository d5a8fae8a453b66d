// A factor just above 1 is kept.
func.func @rope_yarn_kept_small(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope interleaved %x, %pos theta(10000.0) scaling(<factor = 1.0625, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}
