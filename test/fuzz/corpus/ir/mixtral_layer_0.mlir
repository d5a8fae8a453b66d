// One Mixtral-8x7B decoder layer (layer 0), written by hand at the real model
// dimensions: hidden 4096, grouped-query attention with 32 query and 8 kv heads
// of 128, half-split RoPE with theta 1e6, a softmax top-2 router over 8
// experts (renormalized), and SwiGLU experts of width 14336 stored as
// w1 (gate), w3 (up) and w2 (down). All weights are bf16.
//
//   ds-opt examples/mixtral_layer.mlir --canonicalize --moe-summary

moe.parameter @input_layernorm : tensor<4096xbf16> {key = "model.layers.0.input_layernorm.weight"}
moe.parameter @q_proj : tensor<4096x4096xbf16> {key = "model.layers.0.self_attn.q_proj.weight"}
moe.parameter @k_proj : tensor<1024x4096xbf16> {key = "model.layers.0.self_attn.k_proj.weight"}
moe.parameter @v_proj : tensor<1024x4096xbf16> {key = "model.layers.0.self_attn.v_proj.weight"}
moe.parameter @o_proj : tensor<4096x4096xbf16> {key = "model.layers.0.self_attn.o_proj.weight"}
moe.parameter @post_attention_layernorm : tensor<4096xbf16> {key = "model.layers.0.post_attention_layernorm.weight"}
moe.parameter @router_gate : tensor<8x4096xbf16> {key = "model.layers.0.block_sparse_moe.gate.weight"}
moe.parameter @experts_w1 : tensor<8x14336x4096xbf16> {key = "model.layers.0.block_sparse_moe.experts.*.w1.weight"}
moe.parameter @experts_w3 : tensor<8x14336x4096xbf16> {key = "model.layers.0.block_sparse_moe.experts.*.w3.weight"}
moe.parameter @experts_w2 : tensor<8x4096x14336xbf16> {key = "model.layers.0.block_sparse_moe.experts.*.w2.weight"}

func.func @decoder_layer(%x: tensor<?x4096xbf16>, %pos: tensor<?xi32>) -> tensor<?x4096xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4096xbf16>

  // --- Grouped-query attention. ---
  %ln_in = moe.load @input_layernorm : tensor<4096xbf16>
  %h = moe.rms_norm %x, %ln_in eps(1.0e-05) : tensor<?x4096xbf16>, tensor<4096xbf16>
  %wq = moe.load @q_proj : tensor<4096x4096xbf16>
  %wk = moe.load @k_proj : tensor<1024x4096xbf16>
  %wv = moe.load @v_proj : tensor<1024x4096xbf16>
  %q = moe.linear %h, %wq : tensor<?x4096xbf16>, tensor<4096x4096xbf16> -> tensor<?x4096xbf16>
  %k = moe.linear %h, %wk : tensor<?x4096xbf16>, tensor<1024x4096xbf16> -> tensor<?x1024xbf16>
  %v = moe.linear %h, %wv : tensor<?x4096xbf16>, tensor<1024x4096xbf16> -> tensor<?x1024xbf16>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 32, 128] : tensor<?x4096xbf16> into tensor<?x32x128xbf16>
  %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [%t, 8, 128] : tensor<?x1024xbf16> into tensor<?x8x128xbf16>
  %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [%t, 8, 128] : tensor<?x1024xbf16> into tensor<?x8x128xbf16>
  %q_rot = moe.rope half_split %q3, %pos theta(1.0e+06) : tensor<?x32x128xbf16>, tensor<?xi32>
  %k_rot = moe.rope half_split %k3, %pos theta(1.0e+06) : tensor<?x8x128xbf16>, tensor<?xi32>
  // Mixtral-8x7B-v0.1 has `sliding_window: null`: plain causal attention.
  %attn = moe.attention %q_rot, %k_rot, %v3 scale(0.08838834764831845) window(<global>) : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>, tensor<?x8x128xbf16> -> tensor<?x32x128xbf16>
  %attn2 = tensor.collapse_shape %attn [[0], [1, 2]] : tensor<?x32x128xbf16> into tensor<?x4096xbf16>
  %wo = moe.load @o_proj : tensor<4096x4096xbf16>
  %o = moe.linear %attn2, %wo : tensor<?x4096xbf16>, tensor<4096x4096xbf16> -> tensor<?x4096xbf16>

  // --- Residual, then the sparse MoE block. ---
  %ln_post = moe.load @post_attention_layernorm : tensor<4096xbf16>
  %resid, %h2 = moe.add_rms_norm %o, %x, %ln_post eps(1.0e-05) : tensor<?x4096xbf16>, tensor<4096xbf16>
  %wg = moe.load @router_gate : tensor<8x4096xbf16>
  // Hugging Face casts the routing weights to the hidden dtype (bf16).
  %weights, %ids = moe.router %h2, %wg config(<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>) : tensor<?x4096xbf16>, tensor<8x4096xbf16> -> tensor<?x2xbf16>, tensor<?x2xi32>
  %w1 = moe.load @experts_w1 : tensor<8x14336x4096xbf16>
  %w3 = moe.load @experts_w3 : tensor<8x14336x4096xbf16>
  %w2 = moe.load @experts_w2 : tensor<8x4096x14336xbf16>
  %moe = moe.experts %h2, %weights, %ids, %w1, %w3, %w2 : (tensor<?x4096xbf16>, tensor<?x2xbf16>, tensor<?x2xi32>, tensor<8x14336x4096xbf16>, tensor<8x14336x4096xbf16>, tensor<8x4096x14336xbf16>) -> tensor<?x4096xbf16>
  %out = arith.addf %resid, %moe : tensor<?x4096xbf16>
  return %out : tensor<?x4096xbf16>
}
