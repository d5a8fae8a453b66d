moe.parameter @w : tensor<64x64xbf16> {key = "model.layers.0.self_attn.q_proj.weight"}
func.func @f(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %w = moe.load @w : tensor<64x64xbf16>
  %y = moe.linear %x, %w : tensor<?x64xbf16>, tensor<64x
