// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank0(%x: tensor<f32>, %w: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+1 {{input must have rank >= 1, got 'tensor<f32>'}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<f32>, tensor<1xf32>
  return %0 : tensor<f32>
}

// -----

func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %w: tensor<8xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x?xf32>, tensor<8xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @weight_rank(%x: tensor<?x8xf32>, %w: tensor<1x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weight must have rank 1 ([D]), got 'tensor<1x8xf32>'}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<1x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weight must have a static shape, got 'tensor<?xf32>'}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<?xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @weight_size(%x: tensor<?x8xf32>, %w: tensor<4xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weight size (the input's last dimension) must be 8, got 4}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<4xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @weight_size_per_head(%x: tensor<?x4x16xf32>, %w: tensor<4xf32>) -> tensor<?x4x16xf32> {
  // expected-error @+1 {{weight size (the input's last dimension) must be 16, got 4}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x4x16xf32>, tensor<4xf32>
  return %0 : tensor<?x4x16xf32>
}

// -----

func.func @eps_zero(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'eps' must be > 0, got 0.000000e+00}}
  %0 = moe.rms_norm %x, %w eps(0.0) : tensor<?x8xf32>, tensor<8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @eps_negative(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'eps' must be > 0, got -1.000000e-05}}
  %0 = moe.rms_norm %x, %w eps(-1.0e-05) : tensor<?x8xf32>, tensor<8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @eps_nan(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'eps' must be > 0, got nan}}
  %0 = moe.rms_norm %x, %w eps(0x7FF8000000000000) : tensor<?x8xf32>, tensor<8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @eps_inf(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'eps' must be > 0, got INF}}
  %0 = moe.rms_norm %x, %w eps(0x7FF0000000000000) : tensor<?x8xf32>, tensor<8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @int_input(%x: tensor<?x8xi32>, %w: tensor<8xf32>) -> tensor<?x8xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xi32>, tensor<8xf32>
  return %0 : tensor<?x8xi32>
}

// -----

func.func @int_weight(%x: tensor<?x8xf32>, %w: tensor<8xi8>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of floating-point values}}
  %0 = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x8xf32>, tensor<8xi8>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @result_type(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xbf16> {
  // expected-error @+1 {{failed to verify that all of {input, result} have same type}}
  %0 = "moe.rms_norm"(%x, %w) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xbf16>
  return %0 : tensor<?x8xbf16>
}

// -----

func.func @missing_eps(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{requires attribute 'eps'}}
  %0 = "moe.rms_norm"(%x, %w) : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @eps_f32(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{attribute 'eps' failed to satisfy constraint: 64-bit float attribute}}
  %0 = "moe.rms_norm"(%x, %w) <{eps = 1.0e-05 : f32}> : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @operand_count(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{expected 2 operands, but found 1}}
  %0 = "moe.rms_norm"(%x) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @rms_norm_rank1_dynamic_d(%x: tensor<?xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{input must have a static last (feature) dimension}}
  %0 = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?xf32>, tensor<8xf32>
  return
}
