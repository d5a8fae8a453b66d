// Factor 1 with mscale / mscale_all_dim: the attention factor is
// mscale(1, m) / mscale(1, m') = 1, so the scaling is still the identity.
func.func @rope_identity_yarn_mscale(%x: tensor<?x1x8xbf16>, %pos: tensor<?xi64>) -> tensor<?x1x8xbf16> {
  %y = moe.rope interleaved %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096, beta_fast = 16.0, mscale = 0.707, mscale_all_dim = 1.0, truncate = false>) : tensor<?x1x8xbf16>, tensor<?xi64>
  return %y : tensor<?x1x8xbf16>
}
