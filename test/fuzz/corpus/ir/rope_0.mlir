func.func @half_split(%x: tensor<?x4x8xbf16>, %pos: tensor<?xi32>) -> tensor<?x4x8xbf16> {
  %0 = moe.rope half_split %x, %pos theta(1.0e+06) : tensor<?x4x8xbf16>, tensor<?xi32>
  return %0 : tensor<?x4x8xbf16>
}

func.func @interleaved(%x: tensor<?x1x8xf32>, %pos: tensor<?xi32>) -> tensor<?x1x8xf32> {
  %0 = moe.rope interleaved %x, %pos theta(10000.0) : tensor<?x1x8xf32>, tensor<?xi32>
  return %0 : tensor<?x1x8xf32>
}

// 64-bit positions, static token dimension, f16.
func.func @i64_positions(%x: tensor<3x2x4xf16>, %pos: tensor<3xi64>, %dpos: tensor<?xi64>) -> (tensor<3x2x4xf16>, tensor<3x2x4xf16>) {
  %0 = moe.rope half_split %x, %pos theta(500000.0) : tensor<3x2x4xf16>, tensor<3xi64>
  %1 = moe.rope interleaved %x, %dpos theta(500000.0) : tensor<3x2x4xf16>, tensor<?xi64>
  return %0, %1 : tensor<3x2x4xf16>, tensor<3x2x4xf16>
}

// YaRN with only the required parameters; defaults are not printed.
func.func @yarn_minimal(%x: tensor<?x2x8xbf16>, %pos: tensor<?xi32>) -> tensor<?x2x8xbf16> {
  %0 = moe.rope half_split %x, %pos theta(1.0e+06) scaling(<factor = 4.0, original_max_position_embeddings = 32768>) : tensor<?x2x8xbf16>, tensor<?xi32>
  return %0 : tensor<?x2x8xbf16>
}

// DeepSeek-V3 style YaRN on the interleaved decoupled-RoPE key.
func.func @yarn_deepseek(%x: tensor<?x1x8xbf16>, %pos: tensor<?xi32>) -> tensor<?x1x8xbf16> {
  %0 = moe.rope interleaved %x, %pos theta(10000.0) scaling(<factor = 40.0, original_max_position_embeddings = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>) : tensor<?x1x8xbf16>, tensor<?xi32>
  return %0 : tensor<?x1x8xbf16>
}

// Every parameter away from its default, given out of order and with the
// full attribute syntax.
func.func @yarn_full(%x: tensor<?x2x8xf32>, %pos: tensor<?xi64>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) scaling(#moe.yarn<truncate = false, attention_factor = 1.25, beta_slow = 2.0, beta_fast = 16.0, mscale_all_dim = 0.5, mscale = 0.707, original_max_position_embeddings = 2048, factor = 8.0>) : tensor<?x2x8xf32>, tensor<?xi64>
  return %0 : tensor<?x2x8xf32>
}

// A factor of exactly 1 is valid (the canonicalizer removes it, the parser
// keeps it), and 'truncate = true' is the default.
func.func @yarn_identity(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 1, truncate = true>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}
