// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%y: tensor<?xf32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{input must have rank 2 ([T*top_k, H]), got 'tensor<?xf32>'}}
  %0 = moe.combine %y, %p, %w : tensor<?xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @perm_rank(%y: tensor<?x8xf32>, %p: tensor<?x2xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{perm must have rank 1 ([T*top_k]), got 'tensor<?x2xi32>'}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?x2xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @weights_rank(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weights must have rank 2 ([T, top_k]), got 'tensor<?xf32>'}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @result_rank(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{result must have rank 2 ([T, H]), got 'tensor<?x2x8xf32>'}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @weights_dynamic_k(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x?xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weights may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x?xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @input_rows(%y: tensor<6x8xf32>, %p: tensor<6xi32>, %w: tensor<4x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{input rows (tokens x top_k) must be 8, got 6}}
  %0 = moe.combine %y, %p, %w : tensor<6x8xf32>, tensor<6xi32>, tensor<4x2xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @perm_size(%y: tensor<8x8xf32>, %p: tensor<6xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{perm size (the input rows) must be 8, got 6}}
  %0 = moe.combine %y, %p, %w : tensor<8x8xf32>, tensor<6xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// The result has one row per token, not per routed copy.
func.func @result_tokens(%y: tensor<8x8xf32>, %p: tensor<8xi32>, %w: tensor<4x2xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{result dim 0 (tokens) must be 4, got 8}}
  %0 = moe.combine %y, %p, %w : tensor<8x8xf32>, tensor<8xi32>, tensor<4x2xf32> -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @result_hidden(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result dim 1 (hidden size) must be 8, got 4}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @result_element_type(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xbf16> {
  // expected-error @+1 {{result element type 'bf16' must match the input's 'f32'}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}

// -----

func.func @int_input(%y: tensor<?x8xi32>, %p: tensor<?xi32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xi32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @float_perm(%y: tensor<?x8xf32>, %p: tensor<?xf32>, %w: tensor<?x2xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer values}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xf32>, tensor<?x2xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @int_weights(%y: tensor<?x8xf32>, %p: tensor<?xi32>, %w: tensor<?x2xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #2 must be ranked tensor of floating-point values}}
  %0 = moe.combine %y, %p, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x2xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @operand_count(%y: tensor<?x8xf32>, %p: tensor<?xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{expected 3 operands, but found 2}}
  %0 = "moe.combine"(%y, %p) : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @combine_perm_through_dynamic_rows(%y: tensor<?x4xf32>, %p: tensor<5xi32>, %w: tensor<2x2xf32>) {
  // expected-error @+1 {{perm size (the input rows) must be 4, got 5}}
  %0 = moe.combine %y, %p, %w : tensor<?x4xf32>, tensor<5xi32>, tensor<2x2xf32> -> tensor<2x4xf32>
  return
}
