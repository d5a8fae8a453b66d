// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @table_rank(%table: tensor<16xf32>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{table must have rank 2 ([V, H]), got 'tensor<16xf32>'}}
  %0 = moe.embedding %table[%ids] : tensor<16xf32>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @table_dynamic(%table: tensor<?x8xf32>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{table must have a static shape, got 'tensor<?x8xf32>'}}
  %0 = moe.embedding %table[%ids] : tensor<?x8xf32>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @ids_rank(%table: tensor<16x8xf32>, %ids: tensor<?x1xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{ids must have rank 1 ([T]), got 'tensor<?x1xi32>'}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?x1xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @result_rank(%table: tensor<16x8xf32>, %ids: tensor<?xi32>) -> tensor<?x1x8xf32> {
  // expected-error @+1 {{result must have rank 2 ([T, H]), got 'tensor<?x1x8xf32>'}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x1x8xf32>
  return %0 : tensor<?x1x8xf32>
}

// -----

func.func @result_dynamic_hidden(%table: tensor<16x8xf32>, %ids: tensor<?xi32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{result may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @result_tokens(%table: tensor<16x8xf32>, %ids: tensor<4xi32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{result dim 0 (tokens) must be 4, got 3}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<4xi32> -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @result_hidden(%table: tensor<16x8xf32>, %ids: tensor<?xi32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result dim 1 (hidden size of the table) must be 8, got 4}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @int_table(%table: tensor<16x8xi8>, %ids: tensor<?xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xi8>, tensor<?xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @float_ids(%table: tensor<16x8xf32>, %ids: tensor<?xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @i16_ids(%table: tensor<16x8xf32>, %ids: tensor<?xi16>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi16> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @int_result(%table: tensor<16x8xf32>, %ids: tensor<?xi32>) -> tensor<?x8xi32> {
  // expected-error @+1 {{result #0 must be ranked tensor of floating-point values}}
  %0 = moe.embedding %table[%ids] : tensor<16x8xf32>, tensor<?xi32> -> tensor<?x8xi32>
  return %0 : tensor<?x8xi32>
}

// -----

func.func @operand_count(%table: tensor<16x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{expected 2 operands, but found 1}}
  %0 = "moe.embedding"(%table) : (tensor<16x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
