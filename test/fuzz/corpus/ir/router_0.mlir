// Mixtral: softmax, greedy top-2, defaults elided.
func.func @greedy_softmax(%x: tensor<?x16xbf16>, %gate: tensor<8x16xbf16>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %ids = moe.router %x, %gate config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xbf16>, tensor<8x16xbf16> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %ids : tensor<?x2xf32>, tensor<?x2xi32>
}

// Qwen-MoE / OLMoE: renormalized top-k. Explicit default values
// (n_group = 1, topk_group = 1, routed_scaling_factor = 1.0,
// group_fill = neg_inf) are elided when printing.
func.func @greedy_norm(%x: tensor<?x16xf32>, %gate: tensor<8x16xf32>) -> (tensor<?x4xf32>, tensor<?x4xi32>) {
  %w, %ids = moe.router %x, %gate config(#moe.router<scoring = softmax, selection = greedy, top_k = 4, n_group = 1, topk_group = 1, norm_topk_prob = true, routed_scaling_factor = 1.0, group_fill = neg_inf>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x4xf32>, tensor<?x4xi32>
  return %w, %ids : tensor<?x4xf32>, tensor<?x4xi32>
}

// Top-k may equal the number of experts; sigmoid scoring with greedy
// selection; 'norm_topk_prob = false' is the default (elided); weights in
// another float type; static tokens.
func.func @greedy_sigmoid_all(%x: tensor<3x16xf32>, %gate: tensor<4x16xf32>) -> (tensor<3x4xbf16>, tensor<3x4xi32>) {
  %w, %ids = moe.router %x, %gate config(<scoring = sigmoid, selection = greedy, top_k = 4, norm_topk_prob = false>) : tensor<3x16xf32>, tensor<4x16xf32> -> tensor<3x4xbf16>, tensor<3x4xi32>
  return %w, %ids : tensor<3x4xbf16>, tensor<3x4xi32>
}

// DeepSeek-V2: group-limited greedy with a routed scaling factor.
func.func @group_limited(%x: tensor<?x16xbf16>, %gate: tensor<8x16xbf16>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
  %w, %ids = moe.router %x, %gate config(<scoring = softmax, selection = group_limited, top_k = 3, n_group = 4, topk_group = 2, routed_scaling_factor = 16.0>) : tensor<?x16xbf16>, tensor<8x16xbf16> -> tensor<?x3xf32>, tensor<?x3xi32>
  return %w, %ids : tensor<?x3xf32>, tensor<?x3xi32>
}

// top_k equal to topk_group x experts per group is the largest allowed.
func.func @group_limited_max_topk(%x: tensor<?x16xbf16>, %gate: tensor<8x16xbf16>) -> (tensor<?x4xf32>, tensor<?x4xi32>) {
  %w, %ids = moe.router %x, %gate config(<scoring = softmax, selection = group_limited, top_k = 4, n_group = 4, topk_group = 2>) : tensor<?x16xbf16>, tensor<8x16xbf16> -> tensor<?x4xf32>, tensor<?x4xi32>
  return %w, %ids : tensor<?x4xf32>, tensor<?x4xi32>
}

// DeepSeek-V3: sigmoid, noaux_tc with the correction bias, normalized and
// scaled.
func.func @noaux_tc(%x: tensor<?x16xbf16>, %gate: tensor<8x16xbf16>, %bias: tensor<8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %ids = moe.router %x, %gate bias(%bias : tensor<8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2, norm_topk_prob = true, routed_scaling_factor = 2.5>) : tensor<?x16xbf16>, tensor<8x16xbf16> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %ids : tensor<?x2xf32>, tensor<?x2xi32>
}

// noaux_tc with a single group (two experts or more per group).
func.func @noaux_tc_one_group(%x: tensor<?x16xf32>, %gate: tensor<2x16xf32>, %bias: tensor<2xbf16>) -> (tensor<?x1xf32>, tensor<?x1xi32>) {
  %w, %ids = moe.router %x, %gate bias(%bias : tensor<2xbf16>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 1>) : tensor<?x16xf32>, tensor<2x16xf32> -> tensor<?x1xf32>, tensor<?x1xi32>
  return %w, %ids : tensor<?x1xf32>, tensor<?x1xi32>
}

// group_fill = zero (the Hugging Face masked_fill) is printed; parameters
// may be given in any order.
func.func @group_fill_zero(%x: tensor<?x16xf32>, %gate: tensor<8x16xf32>, %bias: tensor<8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %ids = moe.router %x, %gate bias(%bias : tensor<8xf32>) config(<group_fill = zero, top_k = 2, topk_group = 1, n_group = 2, selection = noaux_tc, scoring = sigmoid>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %ids : tensor<?x2xf32>, tensor<?x2xi32>
}

func.func @group_limited_fill_zero(%x: tensor<?x16xf32>, %gate: tensor<6x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %ids = moe.router %x, %gate config(<scoring = softmax, selection = group_limited, top_k = 2, n_group = 3, topk_group = 3, norm_topk_prob = true, routed_scaling_factor = 0.5, group_fill = zero>) : tensor<?x16xf32>, tensor<6x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %ids : tensor<?x2xf32>, tensor<?x2xi32>
}
