// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?x2x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{input must have rank 2 ([T, H]), got 'tensor<?x2x16xf32>'}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x2x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x?xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @gate_rank(%x: tensor<?x16xf32>, %g: tensor<1x8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{gate must have rank 2 ([E, H]), got 'tensor<1x8x16xf32>'}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<1x8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @gate_dynamic(%x: tensor<?x16xf32>, %g: tensor<?x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{gate must have a static shape, got 'tensor<?x16xf32>'}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<?x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @gate_hidden(%x: tensor<?x16xf32>, %g: tensor<8x12xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{gate dim 1 (the input's hidden size) must be 16, got 12}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x12xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @weights_rank(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{weights must have rank 2 ([T, top_k]), got 'tensor<?xf32>'}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?xf32>, tensor<?x2xi32>
}

// -----

func.func @indices_rank(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2x1xi32>) {
  // expected-error @+1 {{indices must have rank 2 ([T, top_k]), got 'tensor<?x2x1xi32>'}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2x1xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2x1xi32>
}

// -----

func.func @weights_dynamic_k(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x?xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{weights may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x?xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x?xf32>, tensor<?x2xi32>
}

// -----

func.func @weights_tokens(%x: tensor<3x16xf32>, %g: tensor<8x16xf32>) -> (tensor<4x2xf32>, tensor<3x2xi32>) {
  // expected-error @+1 {{weights dim 0 (tokens) must be 3, got 4}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<3x16xf32>, tensor<8x16xf32> -> tensor<4x2xf32>, tensor<3x2xi32>
  return %w, %i : tensor<4x2xf32>, tensor<3x2xi32>
}

// -----

func.func @indices_tokens(%x: tensor<3x16xf32>, %g: tensor<8x16xf32>) -> (tensor<3x2xf32>, tensor<2x2xi32>) {
  // expected-error @+1 {{indices dim 0 (tokens) must be 3, got 2}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<3x16xf32>, tensor<8x16xf32> -> tensor<3x2xf32>, tensor<2x2xi32>
  return %w, %i : tensor<3x2xf32>, tensor<2x2xi32>
}

// -----

func.func @indices_topk(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x3xi32>) {
  // expected-error @+1 {{indices dim 1 (top_k, the weights') must be 2, got 3}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x3xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x3xi32>
}

// -----

func.func @weights_topk(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
  // expected-error @+1 {{weights dim 1 (config top_k) must be 2, got 3}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x3xf32>, tensor<?x3xi32>
  return %w, %i : tensor<?x3xf32>, tensor<?x3xi32>
}

// -----

func.func @topk_exceeds_experts(%x: tensor<?x16xf32>, %g: tensor<4x16xf32>) -> (tensor<?x6xf32>, tensor<?x6xi32>) {
  // expected-error @+1 {{top_k (6) exceeds the number of experts (4)}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 6>) : tensor<?x16xf32>, tensor<4x16xf32> -> tensor<?x6xf32>, tensor<?x6xi32>
  return %w, %i : tensor<?x6xf32>, tensor<?x6xi32>
}

// -----

func.func @groups_not_divisible(%x: tensor<?x16xf32>, %g: tensor<6x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{the number of experts (6) must be divisible by n_group (4)}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = group_limited, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<6x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

// 8 experts in 4 groups of 2; keeping 1 group leaves only 2 experts for a
// top-3.
func.func @topk_exceeds_kept_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
  // expected-error @+1 {{top_k (3) exceeds the experts of the kept groups (topk_group 1 x 2)}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = group_limited, top_k = 3, n_group = 4, topk_group = 1>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x3xf32>, tensor<?x3xi32>
  return %w, %i : tensor<?x3xf32>, tensor<?x3xi32>
}

// -----

func.func @noaux_topk_exceeds_kept_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<8xf32>) -> (tensor<?x5xf32>, tensor<?x5xi32>) {
  // expected-error @+1 {{top_k (5) exceeds the experts of the kept groups (topk_group 2 x 2)}}
  %w, %i = moe.router %x, %g bias(%b : tensor<8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 5, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x5xf32>, tensor<?x5xi32>
  return %w, %i : tensor<?x5xf32>, tensor<?x5xi32>
}

// -----

func.func @noaux_one_expert_per_group(%x: tensor<?x16xf32>, %g: tensor<4x16xf32>, %b: tensor<4xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{noaux_tc scores a group by its two best experts, so each group needs >= 2 experts, got 1}}
  %w, %i = moe.router %x, %g bias(%b : tensor<4xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<4x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @noaux_without_bias(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{noaux_tc selection needs a correction bias operand}}
  %w, %i = moe.router %x, %g config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @bias_rank(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<1x8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{correction bias must have rank 1 ([E]), got 'tensor<1x8xf32>'}}
  %w, %i = moe.router %x, %g bias(%b : tensor<1x8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @bias_dynamic(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<?xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{correction bias must have a static shape, got 'tensor<?xf32>'}}
  %w, %i = moe.router %x, %g bias(%b : tensor<?xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @bias_size(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<4xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{correction bias size (experts) must be 8, got 4}}
  %w, %i = moe.router %x, %g bias(%b : tensor<4xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @int_input(%x: tensor<?x16xi32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xi32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

// The gate is dense: a quantized storage type is not accepted.
func.func @i8_gate(%x: tensor<?x16xf32>, %g: tensor<8x16xi8>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of floating-point values}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xi8> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @int_weights(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xi32>, tensor<?x2xi32>) {
  // expected-error @+1 {{result #0 must be ranked tensor of floating-point values}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xi32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xi32>, tensor<?x2xi32>
}

// -----

func.func @i64_indices(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi64>) {
  // expected-error @+1 {{result #1 must be ranked tensor of 32-bit signless integer values}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi64>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi64>
}

// -----

func.func @missing_config(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{requires attribute 'config'}}
  %w, %i = "moe.router"(%x, %g) : (tensor<?x16xf32>, tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>)
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @result_count(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{expected 2 results}}
  %w = "moe.router"(%x, %g) <{config = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}> : (tensor<?x16xf32>, tensor<8x16xf32>) -> tensor<?x2xf32>
  return %w : tensor<?x2xf32>
}

// -----

// Config verification errors inside the op (the full list is in
// attributes-invalid.mlir).

func.func @greedy_with_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{greedy selection takes no expert groups, got n_group = 4, topk_group = 2}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2, n_group = 4, topk_group = 2>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @topk_group_exceeds_groups(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{router 'topk_group' must be in [1, n_group = 2], got 3}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = group_limited, top_k = 2, n_group = 2, topk_group = 3>) : tensor<?x16xf32>, tensor<8x16xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @operand_count(%x: tensor<?x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{expected 2 or more operands, but found 1}}
  %w, %i = "moe.router"(%x) <{config = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}> : (tensor<?x16xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>)
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

func.func @too_many_operands(%x: tensor<?x16xf32>, %g: tensor<8x16xf32>, %b: tensor<8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  // expected-error @+1 {{operand group starting at #2 requires 0 or 1 element, but found 2}}
  %w, %i = "moe.router"(%x, %g, %b, %b) <{config = #moe.router<scoring = softmax, selection = greedy, top_k = 2>}> : (tensor<?x16xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<?x2xf32>, tensor<?x2xi32>)
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}

// -----

// Two static token counts disagree across the dynamic input dimension.
func.func @router_tokens_disagree_through_dynamic(%x: tensor<?x8xf32>, %g: tensor<4x8xf32>) {
  // expected-error @+1 {{indices dim 0 (tokens) must be 2, got 3}}
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<2x2xf32>, tensor<3x2xi32>
  return
}
