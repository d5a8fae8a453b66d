// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @int_operands(%g: tensor<?x12xi32>) -> tensor<?x12xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.swiglu %g, %g : tensor<?x12xi32>
  return %0 : tensor<?x12xi32>
}

// -----

func.func @unranked(%g: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = "moe.swiglu"(%g, %g) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @operand_types(%g: tensor<?x12xf32>, %u: tensor<?x12xbf16>) -> tensor<?x12xf32> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "moe.swiglu"(%g, %u) : (tensor<?x12xf32>, tensor<?x12xbf16>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @operand_shapes(%g: tensor<?x12xf32>, %u: tensor<?x6xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = "moe.swiglu"(%g, %u) : (tensor<?x12xf32>, tensor<?x6xf32>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @result_type(%g: tensor<?x12xf32>) -> tensor<?x12xf16> {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "moe.swiglu"(%g, %g) : (tensor<?x12xf32>, tensor<?x12xf32>) -> tensor<?x12xf16>
  return %0 : tensor<?x12xf16>
}

// -----

func.func @operand_count(%g: tensor<?x12xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{expected 2 operands, but found 3}}
  %0 = "moe.swiglu"(%g, %g, %g) : (tensor<?x12xf32>, tensor<?x12xf32>, tensor<?x12xf32>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @one_operand(%g: tensor<?x12xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{expected ','}}
  %0 = moe.swiglu %g : tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}
