// One DeepSeek-V3 decoder layer (layer 3, the first MoE layer), written by
// hand at the real model dimensions: hidden 7168, 128 heads of multi-head
// latent attention (q_lora_rank 1536, kv_lora_rank 512, nope 128, rope 64,
// v 128) with YaRN, a sigmoid `noaux_tc` router over 256 experts in 8 groups,
// routed experts (intermediate 2048) plus one shared expert, and FP8 e4m3
// weights with 128x128 block scales (`weight_scale_inv`), as in the released
// checkpoint. Activations are bf16; the token dimension is dynamic.
//
//   ds-opt examples/deepseek_v3_layer.mlir --canonicalize --moe-summary

// Attention weights.
moe.parameter @input_layernorm : tensor<7168xbf16> {key = "model.layers.3.input_layernorm.weight"}
moe.parameter @q_a_proj : tensor<1536x7168xf8E4M3FN> {key = "model.layers.3.self_attn.q_a_proj.weight"}
moe.parameter @q_a_proj_scale : tensor<12x56xf32> {key = "model.layers.3.self_attn.q_a_proj.weight_scale_inv"}
moe.parameter @q_a_layernorm : tensor<1536xbf16> {key = "model.layers.3.self_attn.q_a_layernorm.weight"}
moe.parameter @q_b_proj : tensor<24576x1536xf8E4M3FN> {key = "model.layers.3.self_attn.q_b_proj.weight"}
moe.parameter @q_b_proj_scale : tensor<192x12xf32> {key = "model.layers.3.self_attn.q_b_proj.weight_scale_inv"}
moe.parameter @kv_a_proj : tensor<576x7168xf8E4M3FN> {key = "model.layers.3.self_attn.kv_a_proj_with_mqa.weight"}
moe.parameter @kv_a_proj_scale : tensor<5x56xf32> {key = "model.layers.3.self_attn.kv_a_proj_with_mqa.weight_scale_inv"}
moe.parameter @kv_a_layernorm : tensor<512xbf16> {key = "model.layers.3.self_attn.kv_a_layernorm.weight"}
moe.parameter @kv_b_proj : tensor<32768x512xf8E4M3FN> {key = "model.layers.3.self_attn.kv_b_proj.weight"}
moe.parameter @kv_b_proj_scale : tensor<256x4xf32> {key = "model.layers.3.self_attn.kv_b_proj.weight_scale_inv"}
moe.parameter @o_proj : tensor<7168x16384xf8E4M3FN> {key = "model.layers.3.self_attn.o_proj.weight"}
moe.parameter @o_proj_scale : tensor<56x128xf32> {key = "model.layers.3.self_attn.o_proj.weight_scale_inv"}

// MoE weights: the router, 256 routed experts (stacked over `*`), one shared
// expert.
moe.parameter @post_attention_layernorm : tensor<7168xbf16> {key = "model.layers.3.post_attention_layernorm.weight"}
moe.parameter @router_gate : tensor<256x7168xbf16> {key = "model.layers.3.mlp.gate.weight"}
moe.parameter @router_bias : tensor<256xf32> {key = "model.layers.3.mlp.gate.e_score_correction_bias"}
moe.parameter @experts_gate : tensor<256x2048x7168xf8E4M3FN> {key = "model.layers.3.mlp.experts.*.gate_proj.weight"}
moe.parameter @experts_gate_scale : tensor<256x16x56xf32> {key = "model.layers.3.mlp.experts.*.gate_proj.weight_scale_inv"}
moe.parameter @experts_up : tensor<256x2048x7168xf8E4M3FN> {key = "model.layers.3.mlp.experts.*.up_proj.weight"}
moe.parameter @experts_up_scale : tensor<256x16x56xf32> {key = "model.layers.3.mlp.experts.*.up_proj.weight_scale_inv"}
moe.parameter @experts_down : tensor<256x7168x2048xf8E4M3FN> {key = "model.layers.3.mlp.experts.*.down_proj.weight"}
moe.parameter @experts_down_scale : tensor<256x56x16xf32> {key = "model.layers.3.mlp.experts.*.down_proj.weight_scale_inv"}
moe.parameter @shared_gate : tensor<2048x7168xf8E4M3FN> {key = "model.layers.3.mlp.shared_experts.gate_proj.weight"}
moe.parameter @shared_gate_scale : tensor<16x56xf32> {key = "model.layers.3.mlp.shared_experts.gate_proj.weight_scale_inv"}
moe.parameter @shared_up : tensor<2048x7168xf8E4M3FN> {key = "model.layers.3.mlp.shared_experts.up_proj.weight"}
moe.parameter @shared_up_scale : tensor<16x56xf32> {key = "model.layers.3.mlp.shared_experts.up_proj.weight_scale_inv"}
moe.parameter @shared_down : tensor<7168x2048xf8E4M3FN> {key = "model.layers.3.mlp.shared_experts.down_proj.weight"}
moe.parameter @shared_down_scale : tensor<56x16xf32> {key = "model.layers.3.mlp.shared_experts.down_proj.weight_scale_inv"}

func.func @decoder_layer(%x: tensor<?x7168xbf16>, %pos: tensor<?xi32>) -> tensor<?x7168xbf16> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x7168xbf16>

  // --- Multi-head latent attention (naive form). ---
  %ln_in = moe.load @input_layernorm : tensor<7168xbf16>
  %h = moe.rms_norm %x, %ln_in eps(1.0e-06) : tensor<?x7168xbf16>, tensor<7168xbf16>

  // q = q_b_proj(RMSNorm(q_a_proj(h))), split into nope and rope parts.
  %wqa = moe.load @q_a_proj : tensor<1536x7168xf8E4M3FN>
  %sqa = moe.load @q_a_proj_scale : tensor<12x56xf32>
  %qa = moe.linear %h, %wqa scales(%sqa : tensor<12x56xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x7168xbf16>, tensor<1536x7168xf8E4M3FN> -> tensor<?x1536xbf16>
  %ln_qa = moe.load @q_a_layernorm : tensor<1536xbf16>
  %qa_n = moe.rms_norm %qa, %ln_qa eps(1.0e-06) : tensor<?x1536xbf16>, tensor<1536xbf16>
  %wqb = moe.load @q_b_proj : tensor<24576x1536xf8E4M3FN>
  %sqb = moe.load @q_b_proj_scale : tensor<192x12xf32>
  %q = moe.linear %qa_n, %wqb scales(%sqb : tensor<192x12xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x1536xbf16>, tensor<24576x1536xf8E4M3FN> -> tensor<?x24576xbf16>
  %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 128, 192] : tensor<?x24576xbf16> into tensor<?x128x192xbf16>
  %q_nope = tensor.extract_slice %q3[0, 0, 0] [%t, 128, 128] [1, 1, 1] : tensor<?x128x192xbf16> to tensor<?x128x128xbf16>
  %q_pe = tensor.extract_slice %q3[0, 0, 128] [%t, 128, 64] [1, 1, 1] : tensor<?x128x192xbf16> to tensor<?x128x64xbf16>
  %q_pe_rot = moe.rope interleaved %q_pe, %pos theta(1.0e+04) scaling(<factor = 40.0, original_max_position_embeddings = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>) : tensor<?x128x64xbf16>, tensor<?xi32>
  %q_full = tensor.concat dim(2) %q_nope, %q_pe_rot : (tensor<?x128x128xbf16>, tensor<?x128x64xbf16>) -> tensor<?x128x192xbf16>

  // Compressed kv (512) and the decoupled rope key (64, one head shared by all).
  %wkva = moe.load @kv_a_proj : tensor<576x7168xf8E4M3FN>
  %skva = moe.load @kv_a_proj_scale : tensor<5x56xf32>
  %ckv = moe.linear %h, %wkva scales(%skva : tensor<5x56xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x7168xbf16>, tensor<576x7168xf8E4M3FN> -> tensor<?x576xbf16>
  %c = tensor.extract_slice %ckv[0, 0] [%t, 512] [1, 1] : tensor<?x576xbf16> to tensor<?x512xbf16>
  %k_pe = tensor.extract_slice %ckv[0, 512] [%t, 64] [1, 1] : tensor<?x576xbf16> to tensor<?x64xbf16>
  %ln_kva = moe.load @kv_a_layernorm : tensor<512xbf16>
  %c_n = moe.rms_norm %c, %ln_kva eps(1.0e-06) : tensor<?x512xbf16>, tensor<512xbf16>
  %k_pe3 = tensor.expand_shape %k_pe [[0], [1, 2]] output_shape [%t, 1, 64] : tensor<?x64xbf16> into tensor<?x1x64xbf16>
  %k_pe_rot3 = moe.rope interleaved %k_pe3, %pos theta(1.0e+04) scaling(<factor = 40.0, original_max_position_embeddings = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>) : tensor<?x1x64xbf16>, tensor<?xi32>
  %k_pe_rot = tensor.collapse_shape %k_pe_rot3 [[0], [1, 2]] : tensor<?x1x64xbf16> into tensor<?x64xbf16>

  // Per-head k_nope and v from kv_b_proj(c).
  %wkvb = moe.load @kv_b_proj : tensor<32768x512xf8E4M3FN>
  %skvb = moe.load @kv_b_proj_scale : tensor<256x4xf32>
  %kv = moe.linear %c_n, %wkvb scales(%skvb : tensor<256x4xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x512xbf16>, tensor<32768x512xf8E4M3FN> -> tensor<?x32768xbf16>
  %kv3 = tensor.expand_shape %kv [[0], [1, 2]] output_shape [%t, 128, 256] : tensor<?x32768xbf16> into tensor<?x128x256xbf16>
  %k_nope = tensor.extract_slice %kv3[0, 0, 0] [%t, 128, 128] [1, 1, 1] : tensor<?x128x256xbf16> to tensor<?x128x128xbf16>
  %v = tensor.extract_slice %kv3[0, 0, 128] [%t, 128, 128] [1, 1, 1] : tensor<?x128x256xbf16> to tensor<?x128x128xbf16>

  // softmax(Q·Kᵀ·scale) with K = [k_nope ; k_pe]; scale = 192^-0.5 · mscale(40, 1.0)².
  %attn = moe.attention %q_full, %k_nope, %v shared_key(%k_pe_rot : tensor<?x64xbf16>) scale(0.1352337788608801) window(<global>) : tensor<?x128x192xbf16>, tensor<?x128x128xbf16>, tensor<?x128x128xbf16> -> tensor<?x128x128xbf16>
  %attn2 = tensor.collapse_shape %attn [[0], [1, 2]] : tensor<?x128x128xbf16> into tensor<?x16384xbf16>
  %wo = moe.load @o_proj : tensor<7168x16384xf8E4M3FN>
  %so = moe.load @o_proj_scale : tensor<56x128xf32>
  %o = moe.linear %attn2, %wo scales(%so : tensor<56x128xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x16384xbf16>, tensor<7168x16384xf8E4M3FN> -> tensor<?x7168xbf16>

  // --- Residual, then the MoE block. ---
  %ln_post = moe.load @post_attention_layernorm : tensor<7168xbf16>
  %resid, %h2 = moe.add_rms_norm %o, %x, %ln_post eps(1.0e-06) : tensor<?x7168xbf16>, tensor<7168xbf16>

  %wg = moe.load @router_gate : tensor<256x7168xbf16>
  %bias = moe.load @router_bias : tensor<256xf32>
  %weights, %ids = moe.router %h2, %wg bias(%bias : tensor<256xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, routed_scaling_factor = 2.5>) : tensor<?x7168xbf16>, tensor<256x7168xbf16> -> tensor<?x8xf32>, tensor<?x8xi32>

  %eg = moe.load @experts_gate : tensor<256x2048x7168xf8E4M3FN>
  %egs = moe.load @experts_gate_scale : tensor<256x16x56xf32>
  %eu = moe.load @experts_up : tensor<256x2048x7168xf8E4M3FN>
  %eus = moe.load @experts_up_scale : tensor<256x16x56xf32>
  %ed = moe.load @experts_down : tensor<256x7168x2048xf8E4M3FN>
  %eds = moe.load @experts_down_scale : tensor<256x56x16xf32>
  %routed = moe.experts %h2, %weights, %ids, %eg, %eu, %ed scales(%egs, %eus, %eds) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x7168xbf16>, tensor<?x8xf32>, tensor<?x8xi32>, tensor<256x2048x7168xf8E4M3FN>, tensor<256x2048x7168xf8E4M3FN>, tensor<256x7168x2048xf8E4M3FN>, tensor<256x16x56xf32>, tensor<256x16x56xf32>, tensor<256x56x16xf32>) -> tensor<?x7168xbf16>

  // The shared expert: a dense SwiGLU MLP every token goes through.
  %sg = moe.load @shared_gate : tensor<2048x7168xf8E4M3FN>
  %sgs = moe.load @shared_gate_scale : tensor<16x56xf32>
  %su = moe.load @shared_up : tensor<2048x7168xf8E4M3FN>
  %sus = moe.load @shared_up_scale : tensor<16x56xf32>
  %sd = moe.load @shared_down : tensor<7168x2048xf8E4M3FN>
  %sds = moe.load @shared_down_scale : tensor<56x16xf32>
  %g = moe.linear %h2, %sg scales(%sgs : tensor<16x56xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x7168xbf16>, tensor<2048x7168xf8E4M3FN> -> tensor<?x2048xbf16>
  %u = moe.linear %h2, %su scales(%sus : tensor<16x56xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x7168xbf16>, tensor<2048x7168xf8E4M3FN> -> tensor<?x2048xbf16>
  %act = moe.swiglu %g, %u : tensor<?x2048xbf16>
  %shared = moe.linear %act, %sd scales(%sds : tensor<56x16xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x2048xbf16>, tensor<7168x2048xf8E4M3FN> -> tensor<?x7168xbf16>

  %mlp = arith.addf %routed, %shared : tensor<?x7168xbf16>
  %out = arith.addf %resid, %mlp : tensor<?x7168xbf16>
  return %out : tensor<?x7168xbf16>
}
