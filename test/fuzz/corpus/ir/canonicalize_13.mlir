// Factor 1 but an explicit attention factor other than 1 still scales cos
// and sin: kept.
func.func @rope_yarn_kept_attention_factor(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096, attention_factor = 2.0>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}
