// RUN: ds-opt %s -canonicalize -split-input-file | FileCheck %s

// A constant all-zero bias is dropped (and the constant dies).
// CHECK-LABEL: func.func @linear_zero_bias
// CHECK-NOT:     arith.constant
// CHECK:         %[[Y:.*]] = moe.linear %arg0, %arg1 : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @linear_zero_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<0.0> : tensor<4xf32>
  %y = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// bf16 zero bias, rank-3 input.
// CHECK-LABEL: func.func @linear_zero_bias_bf16
// CHECK-NOT:     arith.constant
// CHECK:         moe.linear %arg0, %arg1 : tensor<?x2x8xbf16>, tensor<4x8xbf16> -> tensor<?x2x4xbf16>
func.func @linear_zero_bias_bf16(%x: tensor<?x2x8xbf16>, %w: tensor<4x8xbf16>) -> tensor<?x2x4xbf16> {
  %b = arith.constant dense<0.0> : tensor<4xbf16>
  %y = moe.linear %x, %w bias(%b : tensor<4xbf16>) : tensor<?x2x8xbf16>, tensor<4x8xbf16> -> tensor<?x2x4xbf16>
  return %y : tensor<?x2x4xbf16>
}

// -----

// x + (-0.0) == x: a negative-zero bias is dropped as well.
// CHECK-LABEL: func.func @linear_neg_zero_bias
// CHECK-NOT:     arith.constant
// CHECK:         moe.linear %arg0, %arg1 : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
func.func @linear_neg_zero_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<-0.0> : tensor<4xf32>
  %y = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Dropping the bias of a quantized linear keeps its scales and quant (the
// operand segments are updated: the result verifies and prints).
// CHECK-LABEL: func.func @linear_fp8_zero_bias
// CHECK-NOT:     arith.constant
// CHECK:         moe.linear %arg0, %arg1 scales(%arg2 : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<192x128xf8E4M3FN> -> tensor<?x192xbf16>
// CHECK-NOT:     bias
func.func @linear_fp8_zero_bias(%x: tensor<?x128xbf16>, %w: tensor<192x128xf8E4M3FN>, %s: tensor<2x1xf32>) -> tensor<?x192xbf16> {
  %b = arith.constant dense<0.0> : tensor<192xf32>
  %y = moe.linear %x, %w scales(%s : tensor<2x1xf32>) bias(%b : tensor<192xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xbf16>, tensor<192x128xf8E4M3FN> -> tensor<?x192xbf16>
  return %y : tensor<?x192xbf16>
}

// -----

// A non-zero constant bias is kept.
// CHECK-LABEL: func.func @linear_nonzero_bias
// CHECK:         %[[B:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:         moe.linear %arg0, %arg1 bias(%[[B]] : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
func.func @linear_nonzero_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %y = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// A constant bias that is zero only in some entries is kept.
// CHECK-LABEL: func.func @linear_partly_zero_bias
// CHECK:         %[[B:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<4xf32>
// CHECK:         moe.linear %arg0, %arg1 bias(%[[B]] : tensor<4xf32>)
func.func @linear_partly_zero_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<[0.0, 1.0, 0.0, 0.0]> : tensor<4xf32>
  %y = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// A bias that is not a constant is kept.
// CHECK-LABEL: func.func @linear_arg_bias
// CHECK:         moe.linear %arg0, %arg1 bias(%arg2 : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
func.func @linear_arg_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %y = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// The bias of a quantized linear that is non-zero is kept next to the
// scales.
// CHECK-LABEL: func.func @linear_int8_nonzero_bias
// CHECK:         %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK:         moe.linear %arg0, %arg1 scales(%arg2 : tensor<4x1xf32>) bias(%[[B]] : tensor<4xf32>) {quant = #moe.quant<int8, block = [1, 128]>}
func.func @linear_int8_nonzero_bias(%x: tensor<?x128xf32>, %w: tensor<4x128xi8>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %y = moe.linear %x, %w scales(%s : tensor<4x1xf32>) bias(%b : tensor<4xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x128xf32>, tensor<4x128xi8> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// YaRN with factor 1 and a derived attention factor is the identity: the
// scaling attribute is removed.
// CHECK-LABEL: func.func @rope_identity_yarn
// CHECK:         moe.rope half_split %arg0, %arg1 theta(1.000000e+04) : tensor<?x2x8xf32>, tensor<?xi32>
// CHECK-NOT:     scaling
func.func @rope_identity_yarn(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}

// -----

// Factor 1 with mscale / mscale_all_dim: the attention factor is
// mscale(1, m) / mscale(1, m') = 1, so the scaling is still the identity.
// CHECK-LABEL: func.func @rope_identity_yarn_mscale
// CHECK:         moe.rope interleaved %arg0, %arg1 theta(1.000000e+04) : tensor<?x1x8xbf16>, tensor<?xi64>
// CHECK-NOT:     scaling
func.func @rope_identity_yarn_mscale(%x: tensor<?x1x8xbf16>, %pos: tensor<?xi64>) -> tensor<?x1x8xbf16> {
  %y = moe.rope interleaved %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096, beta_fast = 16.0, mscale = 0.707, mscale_all_dim = 1.0, truncate = false>) : tensor<?x1x8xbf16>, tensor<?xi64>
  return %y : tensor<?x1x8xbf16>
}

// -----

// An explicit attention factor of exactly 1 is the identity too.
// CHECK-LABEL: func.func @rope_identity_yarn_explicit_one
// CHECK:         moe.rope half_split %arg0, %arg1 theta(1.000000e+04) : tensor<?x2x8xf32>, tensor<?xi32>
// CHECK-NOT:     scaling
func.func @rope_identity_yarn_explicit_one(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096, attention_factor = 1.0>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}

// -----

// A real scaling factor is kept.
// CHECK-LABEL: func.func @rope_yarn_kept
// CHECK:         moe.rope half_split %arg0, %arg1 theta(1.000000e+04) scaling(<factor = 4.000000e+00, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
func.func @rope_yarn_kept(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 4.0, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}

// -----

// A factor just above 1 is kept.
// CHECK-LABEL: func.func @rope_yarn_kept_small
// CHECK:         moe.rope interleaved %arg0, %arg1 theta(1.000000e+04) scaling(<factor = 1.062500e+00, original_max_position_embeddings = 4096>)
func.func @rope_yarn_kept_small(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope interleaved %x, %pos theta(10000.0) scaling(<factor = 1.0625, original_max_position_embeddings = 4096>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}

// -----

// Factor 1 but an explicit attention factor other than 1 still scales cos
// and sin: kept.
// CHECK-LABEL: func.func @rope_yarn_kept_attention_factor
// CHECK:         moe.rope half_split %arg0, %arg1 theta(1.000000e+04) scaling(<factor = 1.000000e+00, original_max_position_embeddings = 4096, attention_factor = 2.000000e+00>)
func.func @rope_yarn_kept_attention_factor(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(10000.0) scaling(<factor = 1.0, original_max_position_embeddings = 4096, attention_factor = 2.0>) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}

// -----

// A rope without scaling is left alone.
// CHECK-LABEL: func.func @rope_no_yarn
// CHECK:         moe.rope half_split %arg0, %arg1 theta(1.000000e+06) : tensor<?x2x8xf32>, tensor<?xi32>
func.func @rope_no_yarn(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(1.0e+06) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}
