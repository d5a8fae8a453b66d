// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank0(%x: tensor<f32>, %w: tensor<1xf32>) -> (tensor<f32>, tensor<f32>) {
  // expected-error @+1 {{input must have rank >= 1, got 'tensor<f32>'}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<f32>, tensor<1xf32>
  return %s, %y : tensor<f32>, tensor<f32>
}

// -----

func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %w: tensor<8xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x?xf32>, tensor<8xf32>
  return %s, %y : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

func.func @weight_rank(%x: tensor<?x8xf32>, %w: tensor<8x1xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{weight must have rank 1 ([D]), got 'tensor<8x1xf32>'}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<8x1xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{weight must have a static shape, got 'tensor<?xf32>'}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<?xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

func.func @weight_size(%x: tensor<?x8xf32>, %w: tensor<16xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{weight size (the input's last dimension) must be 8, got 16}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<16xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

func.func @eps_zero(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{'eps' must be > 0, got 0.000000e+00}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(0.0) : tensor<?x8xf32>, tensor<8xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

func.func @eps_negative(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{'eps' must be > 0, got -5.000000e-01}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(-0.5) : tensor<?x8xf32>, tensor<8xf32>
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// The residual must have the input's type (only visible in generic form).
func.func @residual_type(%x: tensor<?x8xf32>, %r: tensor<?x8xbf16>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{failed to verify that all of {input, residual, sum, result} have same type}}
  %s, %y = "moe.add_rms_norm"(%x, %r, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<?x8xbf16>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

func.func @residual_shape(%x: tensor<?x8xf32>, %r: tensor<4x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{failed to verify that all of {input, residual, sum, result} have same type}}
  %s, %y = "moe.add_rms_norm"(%x, %r, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

func.func @sum_type(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf16>, tensor<?x8xf32>) {
  // expected-error @+1 {{failed to verify that all of {input, residual, sum, result} have same type}}
  %s, %y = "moe.add_rms_norm"(%x, %x, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<8xf32>) -> (tensor<?x8xf16>, tensor<?x8xf32>)
  return %s, %y : tensor<?x8xf16>, tensor<?x8xf32>
}

// -----

func.func @int_input(%x: tensor<?x8xi32>, %w: tensor<8xf32>) -> (tensor<?x8xi32>, tensor<?x8xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %s, %y = moe.add_rms_norm %x, %x, %w eps(1.0e-05) : tensor<?x8xi32>, tensor<8xf32>
  return %s, %y : tensor<?x8xi32>, tensor<?x8xi32>
}

// -----

func.func @result_count(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{expected 2 results}}
  %y = "moe.add_rms_norm"(%x, %x, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @operand_count(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  // expected-error @+1 {{expected 3 operands, but found 2}}
  %s, %y = "moe.add_rms_norm"(%x, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  return %s, %y : tensor<?x8xf32>, tensor<?x8xf32>
}
