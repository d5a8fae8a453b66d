// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?x8xf32>, %pos: tensor<?xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{input must have rank 3 ([T, heads, head_dim]), got 'tensor<?x8xf32>'}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x8xf32>, tensor<?xi32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @input_dynamic_heads(%x: tensor<?x?x8xf32>, %pos: tensor<?xi32>) -> tensor<?x?x8xf32> {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?x8xf32>' is dynamic}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x?x8xf32>, tensor<?xi32>
  return %0 : tensor<?x?x8xf32>
}

// -----

func.func @positions_rank(%x: tensor<?x2x8xf32>, %pos: tensor<?x1xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{positions must have rank 1 ([T]), got 'tensor<?x1xi32>'}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?x1xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @odd_dim(%x: tensor<?x2x7xf32>, %pos: tensor<?xi32>) -> tensor<?x2x7xf32> {
  // expected-error @+1 {{rotary dimension must be even, got 7}}
  %0 = moe.rope interleaved %x, %pos theta(10000.0) : tensor<?x2x7xf32>, tensor<?xi32>
  return %0 : tensor<?x2x7xf32>
}

// -----

func.func @positions_size(%x: tensor<4x2x8xf32>, %pos: tensor<3xi32>) -> tensor<4x2x8xf32> {
  // expected-error @+1 {{positions size (tokens) must be 4, got 3}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<4x2x8xf32>, tensor<3xi32>
  return %0 : tensor<4x2x8xf32>
}

// -----

func.func @theta_one(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{'theta' must be > 1, got 1.000000e+00}}
  %0 = moe.rope half_split %x, %pos theta(1.0) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @theta_negative(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{'theta' must be > 1, got -1.000000e+04}}
  %0 = moe.rope half_split %x, %pos theta(-10000.0) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @theta_inf(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{'theta' must be > 1, got INF}}
  %0 = moe.rope half_split %x, %pos theta(0x7FF0000000000000) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @unknown_style(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'style' [half_split, interleaved]}}
  %0 = moe.rope neox %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @int_input(%x: tensor<?x2x8xi32>, %pos: tensor<?xi32>) -> tensor<?x2x8xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xi32>, tensor<?xi32>
  return %0 : tensor<?x2x8xi32>
}

// -----

func.func @float_positions(%x: tensor<?x2x8xf32>, %pos: tensor<?xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @index_positions(%x: tensor<?x2x8xf32>, %pos: tensor<?xindex>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?xindex>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @result_type(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xbf16> {
  // expected-error @+1 {{failed to verify that all of {input, result} have same type}}
  %0 = "moe.rope"(%x, %pos) <{style = 0 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xbf16>
  return %0 : tensor<?x2x8xbf16>
}

// -----

func.func @style_out_of_range(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{Invalid attribute `style` in property conversion: 2 : i32}}
  %0 = "moe.rope"(%x, %pos) <{style = 2 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @scaling_kind(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{Invalid attribute `scaling` in property conversion: #moe.window<global>}}
  %0 = "moe.rope"(%x, %pos) <{scaling = #moe.window<global>, style = 0 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @missing_theta(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{requires attribute 'theta'}}
  %0 = "moe.rope"(%x, %pos) <{style = 0 : i32}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}

// -----

// YaRN parameters are verified where the attribute is parsed (the full
// list of YaRN errors is in attributes-invalid.mlir).

func.func @yarn_factor(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{yarn 'factor' must be >= 1, got 5.000000e-01}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 0.5, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @yarn_betas(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{yarn needs beta_fast > beta_slow > 0, got beta_fast = 1.000000e+00, beta_slow = 3.200000e+01}}
  %0 = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 1.0, beta_slow = 32.0>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %0 : tensor<?x2x8xf32>
}

// -----

func.func @operand_count(%x: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  // expected-error @+1 {{expected 2 operands, but found 1}}
  %0 = "moe.rope"(%x) <{style = 0 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
