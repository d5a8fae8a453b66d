// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @logit_not_one_column(%x: tensor<?x8xf32>, %g: tensor<?x2xf32>) {
  // expected-error @+1 {{logit must be [T, 1] (one logit per token)}}
  %0 = moe.sigmoid_gate %x, %g : tensor<?x8xf32>, tensor<?x2xf32>
  return
}

// -----

func.func @token_mismatch(%x: tensor<4x8xf32>, %g: tensor<3x1xf32>) {
  // expected-error @+1 {{logit dim 0 (tokens) must be 4, got 3}}
  %0 = moe.sigmoid_gate %x, %g : tensor<4x8xf32>, tensor<3x1xf32>
  return
}

// -----

func.func @input_rank(%x: tensor<?x2x8xf32>, %g: tensor<?x1xf32>) {
  // expected-error @+1 {{input must have rank 2 ([T, H])}}
  %0 = moe.sigmoid_gate %x, %g : tensor<?x2x8xf32>, tensor<?x1xf32>
  return
}

// -----

func.func @integer_logit(%x: tensor<?x8xf32>, %g: tensor<?x1xi32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of floating-point values}}
  %0 = moe.sigmoid_gate %x, %g : tensor<?x8xf32>, tensor<?x1xi32>
  return
}
