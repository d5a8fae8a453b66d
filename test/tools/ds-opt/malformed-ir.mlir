// RUN: ds-opt %s -split-input-file -verify-diagnostics

// Invalid IR in custom and generic form: each case is rejected with a located
// diagnostic.

// expected-error @+1 {{custom op 'moe.frobnicate' is unknown}}
%0 = moe.frobnicate : tensor<4xf32>

// -----

func.func @generic_missing_attribute(%x: tensor<?x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op requires attribute 'eps'}}
  %0 = "moe.rms_norm"(%x, %w) : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @generic_missing_operand(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op expected 2 operands, but found 1}}
  %0 = "moe.rms_norm"(%x) <{eps = 1.0e-06 : f64}> : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @generic_bad_attr_type(%x: tensor<?x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{invalid properties {eps = 1 : i32} for op moe.rms_norm: Invalid attribute `eps`}}
  %0 = "moe.rms_norm"(%x, %w) <{eps = 1 : i32}> : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @generic_bad_window(%q: tensor<?x4x8xf32>, %k: tensor<?x4x8xf32>) {
  // expected-error @+1 {{for op moe.attention: Invalid attribute `window`}}
  %0 = "moe.attention"(%q, %k, %k) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>, scale = 1.0 : f64, window = 3 : i64}> : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  return
}

// -----

func.func @custom_wrong_type(%x: tensor<?x8xi32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?x8xi32>, tensor<8xf32>
  return
}

// -----

func.func @custom_missing_keyword(%x: tensor<?x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{expected 'eps'}}
  %0 = moe.rms_norm %x, %w (1.0e-06) : tensor<?x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @custom_bad_attr_value(%x: tensor<?x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{custom op 'moe.rms_norm' invalid kind of attribute specified}}
  %0 = moe.rms_norm %x, %w eps("small") : tensor<?x8xf32>, tensor<8xf32>
  return
}

// -----

// expected-error @+1 {{expected attribute value}}
moe.parameter @p : tensor<4xf32> {key = }

// -----

func.func @unknown_attr_mnemonic(%q: tensor<?x4x8xf32>) {
  // expected-error @+1 {{unknown window kind 'wide'}}
  %0 = moe.attention %q, %q, %q scale(1.0) window(<wide 4>) : tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32> -> tensor<?x4x8xf32>
  return
}

// -----

func.func @use_before_def() -> tensor<?x8xf32> {
  // expected-error @+1 {{use of undeclared SSA value name}}
  return %nope : tensor<?x8xf32>
}

// -----

func.func @result_type_mismatch(%x: tensor<?x8xf32>, %w: tensor<8xf32>) -> tensor<?x8xbf16> {
  %0 = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?x8xf32>, tensor<8xf32>
  // expected-error @+1 {{type of return operand 0 ('tensor<?x8xf32>') doesn't match function result type ('tensor<?x8xbf16>')}}
  return %0 : tensor<?x8xf32>
}
