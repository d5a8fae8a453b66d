// RUN: ds-opt %s -split-input-file -verify-diagnostics

// Every tensor a moe op takes or returns stays within ds's ceilings
// (runtime/include/ds/limits.h): each dim at most 2^24, at most 2^40
// elements, rank at most 8. The verifiers' size arithmetic (E + 1 offsets,
// tokens x top_k rows) relies on them and cannot overflow.

// A dimension near INT64_MAX used to overflow `E + 1` in the grouped_matmul
// verifier.
func.func @gmm_huge_experts(%x: tensor<?x8xf32>, %w: tensor<9223372036854775807x4x8xf32>, %off: tensor<3xi32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operand #1 'tensor<9223372036854775807x4x8xf32>': dim 0 (9223372036854775807) is above ds's ceiling of 16777216}}
  %y = moe.grouped_matmul %x, %w, %off : tensor<?x8xf32>, tensor<9223372036854775807x4x8xf32>, tensor<3xi32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @dispatch_huge_offsets(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<9223372036854775807xi32>) {
  // expected-error @+1 {{result #2 'tensor<9223372036854775807xi32>': dim 0 (9223372036854775807) is above ds's ceiling of 16777216}}
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<9223372036854775807xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<9223372036854775807xi32>
}

// -----

// Dims within the ceiling whose product is not: 2^24 x 2^24 x 2^24.
func.func @experts_too_many_elements(%x: tensor<?x16777216xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>,
    %g: tensor<16777216x16777216x16777216xf32>, %u: tensor<16777216x16777216x16777216xf32>,
    %d: tensor<16777216x16777216x16777216xf32>) -> tensor<?x16777216xf32> {
  // expected-error @+1 {{operand #3 'tensor<16777216x16777216x16777216xf32>' has more elements than ds's ceiling of 1099511627776}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x16777216xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<16777216x16777216x16777216xf32>, tensor<16777216x16777216x16777216xf32>, tensor<16777216x16777216x16777216xf32>) -> tensor<?x16777216xf32>
  return %y : tensor<?x16777216xf32>
}

// -----

// E = 2^24 is a valid dim, but the decomposition's offsets would need 2^24 + 1.
func.func @experts_no_room_for_offsets(%x: tensor<?x1xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>,
    %g: tensor<16777216x1x1xf32>, %u: tensor<16777216x1x1xf32>, %d: tensor<16777216x1x1xf32>) -> tensor<?x1xf32> {
  // expected-error @+1 {{needs fewer than 16777216 experts (ds's ceiling on one dimension, which the E + 1 dispatch offsets must respect), got 'tensor<16777216x1x1xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x1xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<16777216x1x1xf32>, tensor<16777216x1x1xf32>, tensor<16777216x1x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

// The token dim is dynamic; tokens x top_k of the static dims stays bounded.
func.func @combine_huge_topk(%x: tensor<?x8xf32>, %perm: tensor<?xi32>, %w: tensor<?x33554432xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #2 'tensor<?x33554432xf32>': dim 1 (33554432) is above ds's ceiling of 16777216}}
  %y = moe.combine %x, %perm, %w : tensor<?x8xf32>, tensor<?xi32>, tensor<?x33554432xf32> -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// expected-error @+1 {{parameter type 'tensor<1099511627776x2xbf16>': dim 0 (1099511627776) is above ds's ceiling of 16777216}}
moe.parameter @huge : tensor<1099511627776x2xbf16> {key = "huge.weight"}

// -----

// expected-error @+1 {{parameter type 'tensor<16777216x16777216xbf16>' has more elements than ds's ceiling of 1099511627776}}
moe.parameter @many : tensor<16777216x16777216xbf16> {key = "many.weight"}

// -----

// expected-error @+1 {{parameter type 'tensor<1x1x1x1x1x1x1x1x1xbf16>' has rank 9, above ds's ceiling of 8}}
moe.parameter @deep : tensor<1x1x1x1x1x1x1x1x1xbf16> {key = "deep.weight"}

// -----

// The largest allowed shapes still verify.
moe.parameter @largest : tensor<16777216x65536xbf16> {key = "largest.weight"}
func.func @largest_gmm(%x: tensor<?x16777216xf32>, %w: tensor<65535x1x16777216xf32>, %off: tensor<65536xi32>) -> tensor<?x1xf32> {
  %y = moe.grouped_matmul %x, %w, %off : tensor<?x16777216xf32>, tensor<65535x1x16777216xf32>, tensor<65536xi32> -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
