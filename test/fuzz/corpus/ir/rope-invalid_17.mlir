func.func @yarn_betas(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 1.0, beta_slow = 32.0>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}
