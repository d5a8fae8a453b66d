// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @static_tokens() {
  // expected-error @+1 {{a static buffer takes no 'tokens', got 2}}
  %a = kernel.buffer tokens(2) : memref<4xf32>
  return
}

// -----

func.func @no_tokens() {
  // expected-error @+1 {{a buffer with a dynamic dim needs 'tokens' (its size as a multiple of T)}}
  %a = kernel.buffer : memref<?xf32>
  return
}

// -----

func.func @tokens_zero() {
  // expected-error @+1 {{'tokens' must be >= 1, got 0}}
  %a = kernel.buffer tokens(0) : memref<?xf32>
  return
}

// -----

func.func @tokens_huge() {
  // expected-error @+1 {{'tokens' must be at most 16777216, got 33554432}}
  %a = kernel.buffer tokens(33554432) : memref<?xf32>
  return
}

// -----

func.func @offset_entries() {
  // expected-error @+1 {{'offset' must be [per_token_bytes, fixed_bytes], got 1 entries}}
  %a = kernel.buffer {offset = array<i64: 0>} : memref<4xf32>
  return
}

// -----

func.func @offset_negative() {
  // expected-error @+1 {{'offset' entries must be >= 0, got [0, -256]}}
  %a = kernel.buffer {offset = array<i64: 0, -256>} : memref<4xf32>
  return
}

// -----

func.func @layout() {
  // expected-error @+1 {{buffer type 'memref<4xf32, strided<[2]>>' must have the identity layout}}
  %a = kernel.buffer : memref<4xf32, strided<[2]>>
  return
}

// -----

func.func @inner_dynamic() {
  // expected-error @+1 {{buffer type 'memref<4x?xf32>' may only have a dynamic leading (token) dim, but dim 1 is dynamic}}
  %a = kernel.buffer tokens(1) : memref<4x?xf32>
  return
}
