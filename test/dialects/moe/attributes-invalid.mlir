// RUN: ds-opt %s -split-input-file -verify-diagnostics

// Parse and verification errors of the moe attributes.

// expected-error @+1 {{unknown window kind 'causal' (expected global, sliding, chunked, local_global or adaptive)}}
func.func private @f() attributes {a = #moe.window<causal>}

// -----

// sliding and chunked windows need a size.
// expected-error @+1 {{expected integer value}}
func.func private @f() attributes {a = #moe.window<sliding>}

// -----

// expected-error @+1 {{expected integer value}}
func.func private @f() attributes {a = #moe.window<chunked>}

// -----

// expected-error @+1 {{expected integer value}}
func.func private @f() attributes {a = #moe.window<sliding 4.0>}

// -----

// A global window takes no size.
// expected-error @+1 {{expected '>'}}
func.func private @f() attributes {a = #moe.window<global 4>}

// -----

// Only local_global windows take sinks.
// expected-error @+1 {{expected '>'}}
func.func private @f() attributes {a = #moe.window<sliding 4, sinks 2>}

// -----

// local_global needs its sinks.
// expected-error @+1 {{expected ','}}
func.func private @f() attributes {a = #moe.window<local_global 4>}

// -----

// expected-error @+1 {{expected 'sinks'}}
func.func private @f() attributes {a = #moe.window<local_global 4, sink 2>}

// -----

// expected-error @+1 {{the size of a sliding window must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.window<sliding 0>}

// -----

// expected-error @+1 {{the size of a sliding window must be >= 1, got -3}}
func.func private @f() attributes {a = #moe.window<sliding -3>}

// -----

// expected-error @+1 {{the size of a chunked window must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.window<chunked 0>}

// -----

// expected-error @+1 {{the size of a local_global window must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.window<local_global 0, sinks 2>}

// -----

// expected-error @+1 {{a local_global window needs >= 1 sink tokens, got 0}}
func.func private @f() attributes {a = #moe.window<local_global 4, sinks 0>}

// -----

// An adaptive window needs its threshold, then optional sinks.
// expected-error @+1 {{expected ','}}
func.func private @f() attributes {a = #moe.window<adaptive 4>}

// -----

// expected-error @+1 {{expected 'threshold'}}
func.func private @f() attributes {a = #moe.window<adaptive 4, sinks 2>}

// -----

// expected-error @+1 {{expected 'sinks'}}
func.func private @f() attributes {a = #moe.window<adaptive 4, threshold 8, sink 2>}

// -----

// Only adaptive windows take a threshold.
// expected-error @+1 {{expected 'sinks'}}
func.func private @f() attributes {a = #moe.window<local_global 4, threshold 8>}

// -----

// expected-error @+1 {{the size of an adaptive window must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.window<adaptive 0, threshold 8>}

// -----

// expected-error @+1 {{the threshold of an adaptive window must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.window<adaptive 4, threshold 0>}

// -----

// expected-error @+1 {{an adaptive window needs >= 0 sink tokens, got -1}}
func.func private @f() attributes {a = #moe.window<adaptive 4, threshold 8, sinks -1>}

// -----

// expected-error @+1 {{yarn 'factor' must be >= 1, got 5.000000e-01}}
func.func private @f() attributes {a = #moe.yarn<factor = 0.5, original_max_position_embeddings = 4096>}

// -----

// expected-error @+1 {{yarn 'factor' must be >= 1, got 0.000000e+00}}
func.func private @f() attributes {a = #moe.yarn<factor = 0.0, original_max_position_embeddings = 4096>}

// -----

// expected-error @+1 {{yarn 'factor' must be >= 1, got INF}}
func.func private @f() attributes {a = #moe.yarn<factor = 0x7FF0000000000000, original_max_position_embeddings = 4096>}

// -----

// expected-error @+1 {{yarn 'factor' must be >= 1, got nan}}
func.func private @f() attributes {a = #moe.yarn<factor = 0x7FF8000000000000, original_max_position_embeddings = 4096>}

// -----

// Floats must be written as float literals.
// expected-error @+3 {{unexpected decimal integer literal for a floating point value}}
// expected-note @+2 {{add a trailing dot to make the literal a float}}
// expected-error @+1 {{failed to parse Moe_YarnAttr parameter 'factor'}}
func.func private @f() attributes {a = #moe.yarn<factor = 40, original_max_position_embeddings = 4096>}

// -----

// expected-error @+1 {{yarn 'original_max_position_embeddings' must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 0>}

// -----

// expected-error @+2 {{expected integer value}}
// expected-error @+1 {{failed to parse Moe_YarnAttr parameter 'original_max_position_embeddings'}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096.0>}

// -----

// beta_fast must be strictly greater than beta_slow.
// expected-error @+1 {{yarn needs beta_fast > beta_slow > 0, got beta_fast = 1.000000e+00, beta_slow = 1.000000e+00}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 1.0, beta_slow = 1.0>}

// -----

// expected-error @+1 {{yarn needs beta_fast > beta_slow > 0, got beta_fast = 1.000000e+00, beta_slow = 3.200000e+01}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 1.0, beta_slow = 32.0>}

// -----

// beta_fast below the default beta_slow (1.0).
// expected-error @+1 {{yarn needs beta_fast > beta_slow > 0, got beta_fast = 5.000000e-01, beta_slow = 1.000000e+00}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 0.5>}

// -----

// expected-error @+1 {{yarn needs beta_fast > beta_slow > 0, got beta_fast = 3.200000e+01, beta_slow = 0.000000e+00}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_slow = 0.0>}

// -----

// expected-error @+1 {{yarn needs beta_fast > beta_slow > 0, got beta_fast = INF}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 0x7FF0000000000000>}

// -----

// expected-error @+1 {{yarn 'mscale' and 'mscale_all_dim' must be >= 0 (0: unset), got -1.000000e+00 and 0.000000e+00}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, mscale = -1.0>}

// -----

// expected-error @+1 {{yarn 'mscale' and 'mscale_all_dim' must be >= 0 (0: unset), got 0.000000e+00 and -5.000000e-01}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, mscale_all_dim = -0.5>}

// -----

// expected-error @+1 {{yarn 'attention_factor' must be >= 0 (0: derive), got -1.000000e+00}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, attention_factor = -1.0>}

// -----

// expected-error @+1 {{yarn 'attention_factor' must be >= 0 (0: derive), got INF}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, attention_factor = 0x7FF0000000000000>}

// -----

// expected-error @+1 {{struct is missing required parameter: factor}}
func.func private @f() attributes {a = #moe.yarn<original_max_position_embeddings = 4096>}

// -----

// expected-error @+1 {{struct is missing required parameter: original_max_position_embeddings}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0>}

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse Moe_YarnAttr parameter 'truncate'}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, truncate = 1>}

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse Moe_YarnAttr parameter 'truncate'}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, truncate = yes>}

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: scale}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, scale = 2.0>}

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: factor}}
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, factor = 2.0, original_max_position_embeddings = 4096>}

// -----

// expected-error @+1 {{router 'top_k' must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 0>}

// -----

// expected-error @+1 {{router 'n_group' must be >= 1, got 0}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = group_limited, top_k = 2, n_group = 0>}

// -----

// expected-error @+1 {{router 'topk_group' must be in [1, n_group = 2], got 0}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = group_limited, top_k = 2, n_group = 2, topk_group = 0>}

// -----

// expected-error @+1 {{router 'topk_group' must be in [1, n_group = 4], got 8}}
func.func private @f() attributes {a = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 8>}

// -----

// topk_group > the default n_group (1).
// expected-error @+1 {{router 'topk_group' must be in [1, n_group = 1], got 2}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = group_limited, top_k = 2, topk_group = 2>}

// -----

// expected-error @+1 {{greedy selection takes no expert groups, got n_group = 4, topk_group = 2}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, n_group = 4, topk_group = 2>}

// -----

// expected-error @+1 {{greedy selection takes no expert groups, got n_group = 2, topk_group = 2}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, n_group = 2, topk_group = 2>}

// -----

// expected-error @+1 {{router 'routed_scaling_factor' must be > 0, got 0.000000e+00}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, routed_scaling_factor = 0.0>}

// -----

// expected-error @+1 {{router 'routed_scaling_factor' must be > 0, got -2.500000e+00}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, routed_scaling_factor = -2.5>}

// -----

// expected-error @+1 {{router 'routed_scaling_factor' must be > 0, got INF}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, routed_scaling_factor = 0x7FF0000000000000>}

// -----

// expected-error @+2 {{expected ::ds::moe::Scoring to be one of: softmax, sigmoid}}
// expected-error @+1 {{failed to parse Moe_RouterAttr parameter 'scoring'}}
func.func private @f() attributes {a = #moe.router<scoring = relu, selection = greedy, top_k = 2>}

// -----

// expected-error @+2 {{expected ::ds::moe::Selection to be one of: greedy, group_limited, noaux_tc}}
// expected-error @+1 {{failed to parse Moe_RouterAttr parameter 'selection'}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = top_k, top_k = 2>}

// -----

// expected-error @+2 {{expected ::ds::moe::GroupFill to be one of: neg_inf, zero}}
// expected-error @+1 {{failed to parse Moe_RouterAttr parameter 'group_fill'}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, group_fill = one>}

// -----

// expected-error @+2 {{expected 'true' or 'false'}}
// expected-error @+1 {{failed to parse Moe_RouterAttr parameter 'norm_topk_prob'}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = 1>}

// -----

// expected-error @+1 {{struct is missing required parameter: top_k}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy>}

// -----

// expected-error @+1 {{struct is missing required parameter: scoring}}
func.func private @f() attributes {a = #moe.router<selection = greedy, top_k = 2>}

// -----

// expected-error @+1 {{struct is missing required parameter: selection}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, top_k = 2>}

// -----

// expected-error @+3 {{unexpected decimal integer literal for a floating point value}}
// expected-note @+2 {{add a trailing dot to make the literal a float}}
// expected-error @+1 {{failed to parse Moe_RouterAttr parameter 'routed_scaling_factor'}}
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, routed_scaling_factor = 2>}

// -----

// expected-error @+1 {{quant 'block' must have 2 entries [rows, cols], got 3}}
func.func private @f() attributes {a = #moe.quant<int8, block = [1, 128, 1]>}

// -----

// expected-error @+1 {{quant 'block' must have 2 entries [rows, cols], got 1}}
func.func private @f() attributes {a = #moe.quant<int8, block = [128]>}

// -----

// expected-error @+2 {{expected integer value}}
// expected-error @+1 {{failed to parse Moe_QuantAttr parameter 'block'}}
func.func private @f() attributes {a = #moe.quant<int8, block = []>}

// -----

// expected-error @+1 {{quant 'block' entries must be >= 1, got [0, 128]}}
func.func private @f() attributes {a = #moe.quant<int8, block = [0, 128]>}

// -----

// expected-error @+1 {{quant 'block' entries must be >= 1, got [1, -128]}}
func.func private @f() attributes {a = #moe.quant<int4, block = [1, -128]>}

// -----

// expected-error @+2 {{expected ::ds::moe::QuantScheme to be one of: fp8_e4m3, int8, int4}}
// expected-error @+1 {{failed to parse Moe_QuantAttr parameter 'scheme'}}
func.func private @f() attributes {a = #moe.quant<int2, block = [1, 128]>}

// -----

// expected-error @+1 {{expected 'block'}}
func.func private @f() attributes {a = #moe.quant<int8, [1, 128]>}

// -----

// expected-error @+1 {{expected ','}}
func.func private @f() attributes {a = #moe.quant<int8>}

// -----

// expected-error @+1 {{unknown attribute `quantized` in dialect `moe`}}
func.func private @f() attributes {a = #moe.quantized<int8, block = [1, 128]>}
