// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// Attributes in their full form, outside of ops (discardable attributes are
// printed sorted by name).

// CHECK-LABEL: func.func private @windows
// CHECK-SAME: adaptive = #moe.window<adaptive 512, threshold 4096>
// CHECK-SAME: adaptive_no_sinks = #moe.window<adaptive 512, threshold 4096>
// CHECK-SAME: adaptive_sinks = #moe.window<adaptive 512, threshold 4096, sinks 4>
// CHECK-SAME: chunked = #moe.window<chunked 8192>
// CHECK-SAME: global = #moe.window<global>
// CHECK-SAME: local_global = #moe.window<local_global 4096, sinks 4>
// CHECK-SAME: sliding = #moe.window<sliding 4096>
func.func private @windows() attributes {
  global = #moe.window<global>,
  sliding = #moe.window<sliding 4096>,
  chunked = #moe.window<chunked 8192>,
  local_global = #moe.window<local_global 4096, sinks 4>,
  adaptive = #moe.window<adaptive 512, threshold 4096>,
  adaptive_sinks = #moe.window<adaptive 512, threshold 4096, sinks 4>,
  // `sinks 0` is no sinks.
  adaptive_no_sinks = #moe.window<adaptive 512, threshold 4096, sinks 0>
}

// Only the required parameters and those away from their defaults print.
// CHECK-LABEL: func.func private @yarns
// CHECK-SAME: deepseek = #moe.yarn<factor = 4.000000e+01, original_max_position_embeddings = 4096, mscale = 1.000000e+00, mscale_all_dim = 1.000000e+00>
// CHECK-SAME: defaults = #moe.yarn<factor = 4.000000e+00, original_max_position_embeddings = 4096>
// CHECK-SAME: explicit_defaults = #moe.yarn<factor = 2.000000e+00, original_max_position_embeddings = 8>
// CHECK-SAME: full = #moe.yarn<factor = 1.600000e+01, original_max_position_embeddings = 1024, beta_fast = 6.400000e+01, beta_slow = 5.000000e-01, mscale = 7.070000e-01, mscale_all_dim = 1.000000e+00, attention_factor = 1.500000e+00, truncate = false>
func.func private @yarns() attributes {
  defaults = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096>,
  deepseek = #moe.yarn<factor = 40.0, original_max_position_embeddings = 4096, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 1.0>,
  explicit_defaults = #moe.yarn<factor = 2.0, original_max_position_embeddings = 8, beta_fast = 32.0, beta_slow = 1.0, mscale = 0.0, mscale_all_dim = 0.0, attention_factor = 0.0, truncate = true>,
  full = #moe.yarn<factor = 16.0, original_max_position_embeddings = 1024, beta_fast = 64.0, beta_slow = 0.5, mscale = 0.707, mscale_all_dim = 1.0, attention_factor = 1.5, truncate = false>
}

// CHECK-LABEL: func.func private @routers
// CHECK-SAME: deepseek_v2 = #moe.router<scoring = softmax, selection = group_limited, top_k = 6, n_group = 8, topk_group = 3, routed_scaling_factor = 1.600000e+01>
// CHECK-SAME: deepseek_v3 = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, routed_scaling_factor = 2.500000e+00>
// CHECK-SAME: explicit_defaults = #moe.router<scoring = softmax, selection = greedy, top_k = 1>
// CHECK-SAME: hf_fill = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, group_fill = zero>
// CHECK-SAME: mixtral = #moe.router<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>
func.func private @routers() attributes {
  mixtral = #moe.router<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>,
  deepseek_v2 = #moe.router<scoring = softmax, selection = group_limited, top_k = 6, n_group = 8, topk_group = 3, routed_scaling_factor = 16.0>,
  deepseek_v3 = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, routed_scaling_factor = 2.5>,
  hf_fill = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8, n_group = 8, topk_group = 4, norm_topk_prob = true, group_fill = zero>,
  explicit_defaults = #moe.router<scoring = softmax, selection = greedy, top_k = 1, n_group = 1, topk_group = 1, norm_topk_prob = false, routed_scaling_factor = 1.0, group_fill = neg_inf>
}

// CHECK-LABEL: func.func private @quants
// CHECK-SAME: fp8 = #moe.quant<fp8_e4m3, block = [128, 128]>
// CHECK-SAME: int4 = #moe.quant<int4, block = [1, 128]>
// CHECK-SAME: int8 = #moe.quant<int8, block = [1, 128]>
// CHECK-SAME: unit = #moe.quant<int8, block = [1, 1]>
func.func private @quants() attributes {
  fp8 = #moe.quant<fp8_e4m3, block = [128, 128]>,
  int8 = #moe.quant<int8, block = [1, 128]>,
  int4 = #moe.quant<int4, block = [1, 128]>,
  unit = #moe.quant<int8, block = [1, 1]>
}

// Parameter order and explicitly spelled defaults do not matter: both
// attributes print the same.
// CHECK-LABEL: func.func private @uniqued
// CHECK-SAME: a = #moe.yarn<factor = 2.000000e+00, original_max_position_embeddings = 16>
// CHECK-SAME: b = #moe.yarn<factor = 2.000000e+00, original_max_position_embeddings = 16>
func.func private @uniqued() attributes {
  a = #moe.yarn<factor = 2.0, original_max_position_embeddings = 16>,
  b = #moe.yarn<original_max_position_embeddings = 16, factor = 2.0, beta_fast = 32.0>
}
