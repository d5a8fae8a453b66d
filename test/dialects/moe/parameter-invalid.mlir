// RUN: ds-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{parameter type must have a static shape, got 'tensor<?x4xf32>'}}
moe.parameter @p : tensor<?x4xf32> {key = "p"}

// -----

// expected-error @+1 {{'key' must not be empty}}
moe.parameter @p : tensor<4xf32> {key = ""}

// -----

// expected-error @+1 {{'key' may contain at most one '*', got "layers.*.experts.*.w"}}
moe.parameter @p : tensor<2x2x4xf32> {key = "layers.*.experts.*.w"}

// -----

// expected-error @+1 {{stacked key "experts.*.w" needs a tensor of rank >= 1}}
moe.parameter @p : tensor<f32> {key = "experts.*.w"}

// -----

// expected-error @+1 {{attribute 'type' failed to satisfy constraint: type attribute of ranked tensor}}
moe.parameter @p : tensor<*xf32>

// -----

// expected-error @+1 {{attribute 'type' failed to satisfy constraint: type attribute of ranked tensor}}
moe.parameter @p : memref<4xf32>

// -----

// expected-error @+1 {{Invalid attribute `key` in property conversion}}
"moe.parameter"() <{key = 1 : i64, sym_name = "p", type = tensor<4xf32>}> : () -> ()

// -----

// expected-error @+1 {{requires attribute 'sym_name'}}
"moe.parameter"() <{type = tensor<4xf32>}> : () -> ()

// -----

func.func @nested() {
  // expected-error @+1 {{expects parent op 'builtin.module'}}
  moe.parameter @p : tensor<4xf32>
  return
}

// -----

// expected-note @+1 {{see existing symbol definition here}}
moe.parameter @p : tensor<4xf32>
// expected-error @+1 {{redefinition of symbol named 'p'}}
moe.parameter @p : tensor<8xf32>

// -----

func.func @unknown() -> tensor<4xf32> {
  // expected-error @+1 {{'nope' does not reference a symbol}}
  %0 = moe.load @nope : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @not_a_parameter() -> tensor<4xf32> {
  // expected-error @+1 {{'not_a_parameter' references 'func.func', not a 'moe.parameter'}}
  %0 = moe.load @not_a_parameter : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

moe.parameter @p : tensor<4x8xbf16> {key = "p"}
func.func @wrong_type() -> tensor<4x8xf32> {
  // expected-error @+1 {{result type 'tensor<4x8xf32>' does not match the type 'tensor<4x8xbf16>' of parameter 'p'}}
  %0 = moe.load @p : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

moe.parameter @p : tensor<4x8xbf16> {key = "p"}
func.func @wrong_shape() -> tensor<8x4xbf16> {
  // expected-error @+1 {{result type 'tensor<8x4xbf16>' does not match the type 'tensor<4x8xbf16>'}}
  %0 = moe.load @p : tensor<8x4xbf16>
  return %0 : tensor<8x4xbf16>
}

// -----

moe.parameter @p : tensor<4xf32>
func.func @unranked() -> tensor<*xf32> {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = moe.load @p : tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

moe.parameter @p : tensor<4xf32>
func.func @unranked_generic() -> tensor<*xf32> {
  // expected-error @+1 {{result #0 must be ranked tensor of any type values}}
  %0 = "moe.load"() <{parameter = @p}> : () -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @nested_ref() -> tensor<4xf32> {
  // expected-error @+1 {{invalid kind of attribute specified}}
  %0 = moe.load "p" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_parameter() -> tensor<4xf32> {
  // expected-error @+1 {{requires attribute 'parameter'}}
  %0 = "moe.load"() : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{'concat_keys' and 'concat_rows' go together}}
moe.parameter @p : tensor<12x8xf32> {key = "a", concat_keys = ["b"]}

// -----

// expected-error @+1 {{'concat_keys' needs a checkpoint 'key' (part 0)}}
moe.parameter @p : tensor<12x8xf32> {concat_keys = ["b"], concat_rows = array<i64: 6, 6>}

// -----

// expected-error @+1 {{'concat_keys' must name at least one more part}}
moe.parameter @p : tensor<12x8xf32> {key = "a", concat_keys = [], concat_rows = array<i64: 12>}

// -----

// expected-error @+1 {{'concat_rows' needs one extent per part (2), got 3}}
moe.parameter @p : tensor<12x8xf32> {key = "a", concat_keys = ["b"], concat_rows = array<i64: 4, 4, 4>}

// -----

// expected-error @+1 {{concat key "e.*.up" must be non-empty and plain (no '*') like 'key'}}
moe.parameter @p : tensor<12x8xf32> {key = "a", concat_keys = ["e.*.up"], concat_rows = array<i64: 6, 6>}

// -----

// expected-error @+1 {{concat key "up" must be non-empty and stacked (one '*') like 'key'}}
moe.parameter @p : tensor<2x12x8xf32> {key = "e.*.gate", concat_keys = ["up"], concat_rows = array<i64: 6, 6>}

// -----

// expected-error @+1 {{a concatenated parameter needs a dimension 1 to join, got 'tensor<4xf32>'}}
moe.parameter @p : tensor<4xf32> {key = "e.*.gate", concat_keys = ["e.*.up"], concat_rows = array<i64: 2, 2>}

// -----

// expected-error @+1 {{'slices' of a plain key select rows of the joined dimension; they cannot be combined with 'concat_keys'}}
moe.parameter @p : tensor<2x8xf32> {key = "a", slices = array<i64: 0, 1>, concat_keys = ["b"], concat_rows = array<i64: 1, 1>}

// -----

// expected-error @+1 {{'concat_rows' must be in [1, 16777216], got 0 at 1}}
moe.parameter @p : tensor<12x8xf32> {key = "a", concat_keys = ["b"], concat_rows = array<i64: 12, 0>}

// -----

// expected-error @+1 {{'concat_rows' add up to 10, but dimension 0 of 'tensor<12x8xf32>' is 12}}
moe.parameter @p : tensor<12x8xf32> {key = "a", concat_keys = ["b"], concat_rows = array<i64: 6, 4>}
