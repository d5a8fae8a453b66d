// Attributes in their full form, outside of ops (discardable attributes are
// printed sorted by name).

func.func private @windows() attributes {
  global = #moe.window<global>,
  sliding = #moe.window<sliding 4096>,
  chunked = #moe.window<chunked 8192>,
  local_global = #moe.window<local_global 4096, sinks 4>
}

// Only the required parameters and those away from their defaults print.
func.func private @yarns() attributes {
  defaults = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096>,
  deepseek = #moe.yarn<factor = 40.0, original_max_position_embeddings = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>,
  explicit_defaults = #moe.yarn<factor = 2.0, original_max_position_embeddings = 8, beta_fast = 32.0, beta_slow = 1.0, mscale = 0.0, mscale_all_dim = 0.0, attention_factor = 0.0, truncate = true>,
  full = #moe.yarn<factor = 16.0, original_max_position_embeddings = 1024, beta_fast = 64.0, beta_slow = 0.5, mscale = 0.707, mscale_all_dim = 1.0, attention_factor = 1.5, truncate = false>
}

func.func private @routers() attributes {
  mixtral = #moe.router<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>,
  deepseek_v2 = #moe.router<scoring = softmax, selection = group_limited, top_k = 6, n_group = 8, topk_group = 3, routed_scaling_factor = 16.0>,
  deepseek_v3 = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, routed_scaling_factor = 2.5>,
  hf_fill = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, group_fill = zero>,
  explicit_defaults = #moe.router<scoring = softmax, selection = greedy, top_k = 1, n_group = 1, topk_group = 1, norm_topk_prob = false, routed_scaling_factor = 1.0, group_fill = neg_inf>
}

func.func private @quants() attributes {
  fp8 = #moe.quant<fp8_e4m3, block = [128, 128]>,
  int8 = #moe.quant<int8, block = [1, 128]>,
  int4 = #moe.quant<int4, block = [1, 128]>,
  unit = #moe.quant<int8, block = [1, 1]>
}

// Parameter order and explicitly spelled defaults do not matter: both
// attributes print the same.
func.func private @uniqued() attributes {
  a = #moe.yarn<factor = 2.0, original_max_position_embeddings = 16>,
  b = #moe.yarn<original_max_position_embeddings = 16, factor = 2.0, beta_fast = 32.0>
}
