// An explicit attention factor of exactly 1 is the identity too.
func.func @rope_identity_yarn_explicit_one(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096, attention_factor = 1.0>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}
