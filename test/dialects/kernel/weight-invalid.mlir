// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @missing() {
  // expected-error @+1 {{'nope' does not reference a symbol}}
  %w = kernel.weight @nope : memref<4xf32>
  return
}

// -----

func.func @g() {
  return
}
func.func @not_parameter() {
  // expected-error @+1 {{'g' references 'func.func', not a 'moe.parameter'}}
  %w = kernel.weight @g : memref<4xf32>
  return
}

// -----

moe.parameter @p : tensor<4x8xbf16>
func.func @shape() {
  // expected-error @+1 {{type 'memref<8x4xbf16>' does not match the type 'tensor<4x8xbf16>' of parameter 'p'}}
  %w = kernel.weight @p : memref<8x4xbf16>
  return
}

// -----

moe.parameter @p : tensor<4x8xbf16>
func.func @element() {
  // expected-error @+1 {{type 'memref<4x8xf32>' does not match the type 'tensor<4x8xbf16>' of parameter 'p'}}
  %w = kernel.weight @p : memref<4x8xf32>
  return
}

// -----

moe.parameter @p : tensor<4x8xbf16>
func.func @dynamic() {
  // expected-error @+1 {{a weight has a static shape, got 'memref<?x8xbf16>'}}
  %w = kernel.weight @p : memref<?x8xbf16>
  return
}
