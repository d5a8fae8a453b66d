// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{input must have rank 2 ([T, H]), got 'tensor<?xf32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x?xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @indices_rank(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{indices must have rank 2 ([T, top_k]), got 'tensor<?xi32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @permuted_rank(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x2x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{permuted must have rank 2 ([T*top_k, H]), got 'tensor<?x2x8xf32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x2x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x2x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @perm_rank(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?x2xi32>, tensor<5xi32>) {
  // expected-error @+1 {{perm must have rank 1 ([T*top_k]), got 'tensor<?x2xi32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?x2xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?x2xi32>, tensor<5xi32>
}

// -----

func.func @offsets_rank(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5x1xi32>) {
  // expected-error @+1 {{offsets must have rank 1 ([E + 1]), got 'tensor<5x1xi32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5x1xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5x1xi32>
}

// -----

// The static size of offsets fixes the number of experts.
func.func @offsets_dynamic(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<?xi32>) {
  // expected-error @+1 {{offsets must have a static shape, got 'tensor<?xi32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<?xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<?xi32>
}

// -----

func.func @indices_tokens(%x: tensor<4x8xf32>, %ids: tensor<3x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{indices dim 0 (tokens) must be 4, got 3}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<4x8xf32>, tensor<3x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

// 4 tokens x top-2 = 8 rows, not 4.
func.func @permuted_rows(%x: tensor<4x8xf32>, %ids: tensor<4x2xi32>) -> (tensor<4x8xf32>, tensor<4xi32>, tensor<5xi32>) {
  // expected-error @+1 {{permuted rows (tokens x top_k) must be 8, got 4}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<4x8xf32>, tensor<4x2xi32> -> tensor<4x8xf32>, tensor<4xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<4x8xf32>, tensor<4xi32>, tensor<5xi32>
}

// -----

func.func @permuted_hidden(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x4xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{permuted dim 1 (hidden size) must be 8, got 4}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x4xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x4xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @perm_size(%x: tensor<4x8xf32>, %ids: tensor<4x2xi32>) -> (tensor<8x8xf32>, tensor<6xi32>, tensor<5xi32>) {
  // expected-error @+1 {{perm size (the permuted rows) must be 8, got 6}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<4x8xf32>, tensor<4x2xi32> -> tensor<8x8xf32>, tensor<6xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<8x8xf32>, tensor<6xi32>, tensor<5xi32>
}

// -----

func.func @permuted_element_type(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{permuted element type 'bf16' must match the input's 'f32'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @offsets_too_small(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<1xi32>) {
  // expected-error @+1 {{offsets must have E + 1 >= 2 entries, got 'tensor<1xi32>'}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<1xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<1xi32>
}

// -----

func.func @int_input(%x: tensor<?x8xi32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xi32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @i64_indices(%x: tensor<?x8xf32>, %ids: tensor<?x2xi64>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer values}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi64> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

func.func @float_perm(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xf32>, tensor<5xi32>) {
  // expected-error @+1 {{result #1 must be ranked tensor of 32-bit signless integer values}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xf32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xf32>, tensor<5xi32>
}

// -----

func.func @i64_offsets(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi64>) {
  // expected-error @+1 {{result #2 must be ranked tensor of 32-bit signless integer values}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi64>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi64>
}

// -----

func.func @result_count(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>) {
  // expected-error @+1 {{expected 3 results}}
  %a, %b = "moe.dispatch"(%x, %ids) : (tensor<?x8xf32>, tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>)
  return %a, %b : tensor<?x8xf32>, tensor<?xi32>
}

// -----

func.func @operand_count(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  // expected-error @+1 {{expected 2 operands, but found 1}}
  %a, %b, %c = "moe.dispatch"(%x) : (tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>)
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}

// -----

// The rows follow the static token count of the indices (2 x 2 = 4).
func.func @dispatch_rows_from_static_indices(%x: tensor<?x4xf32>, %ids: tensor<2x2xi32>) {
  // expected-error @+1 {{permuted rows (tokens x top_k) must be 4, got 5}}
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<?x4xf32>, tensor<2x2xi32> -> tensor<5x4xf32>, tensor<5xi32>, tensor<3xi32>
  return
}

// -----

// perm agrees with the static row count even when permuted is dynamic.
func.func @dispatch_perm_through_dynamic_rows(%x: tensor<2x4xf32>, %ids: tensor<2x2xi32>) {
  // expected-error @+1 {{perm size (the permuted rows) must be 4, got 5}}
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<2x4xf32>, tensor<2x2xi32> -> tensor<?x4xf32>, tensor<5xi32>, tensor<3xi32>
  return
}
