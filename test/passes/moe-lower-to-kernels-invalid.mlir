// RUN: ds-opt %s --split-input-file --moe-lower-to-kernels -verify-diagnostics

func.func @unknown_op(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'math.exp'}}
  %0 = math.exp %x : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// expected-error @+1 {{'moe-lower-to-kernels' cannot lower argument #0 of type 'index'}}
func.func @scalar_argument(%n: index) {
  return
}

// -----

// expected-error @+1 {{'moe-lower-to-kernels' cannot lower argument #0 of @inner_dynamic 'memref<4x?xf32>' may only have a dynamic leading (token) dim, but dim 1 is dynamic}}
func.func @inner_dynamic(%x: tensor<4x?xf32>) {
  return
}

// -----

func.func @dynamic_offset(%x: tensor<?x8xf32>, %i: tensor<?xi32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'tensor.extract_slice': a dynamic offset}}
  %0 = tensor.extract_slice %x[0, %t] [%t, 4] [1, 1] : tensor<?x8xf32> to tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @dynamic_stride(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'tensor.extract_slice': a dynamic stride}}
  %0 = tensor.extract_slice %x[0, 0] [%t, 4] [1, %t] : tensor<?x8xf32> to tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @partial_token_dim(%x: tensor<?x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'tensor.extract_slice': its kernel op does not verify (see the error above)}}
  %0 = tensor.extract_slice %x[0, 0] [2, 8] [1, 1] : tensor<?x8xf32> to tensor<2x8xf32>
  // expected-error @-1 {{'kernel.copy' op the box's static size 2 in the dynamic dim 0 does not fit every T (use ?)}}
  return %0 : tensor<2x8xf32>
}

// -----

func.func @concat_tokens(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'tensor.concat': a concat along the dynamic (token) dim}}
  %0 = tensor.concat dim(0) %x, %x : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// [T, 64] as [T, 2, 64] would need 2·T rows: no view.
func.func @not_a_view(%x: tensor<?x64xf32>) -> tensor<?x2x64xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x64xf32>
  // expected-error @+2 {{'moe-lower-to-kernels' cannot lower 'tensor.expand_shape': its kernel op does not verify (see the error above)}}
  // expected-error @+1 {{'kernel.view' op the source's 64 elements per token are no whole number of result rows of 128 elements}}
  %0 = tensor.expand_shape %x [[0, 1], [2]] output_shape [%t, 2, 64] : tensor<?x64xf32> into tensor<?x2x64xf32>
  return %0 : tensor<?x2x64xf32>
}

// -----

// A size that is no multiple of T.
func.func @unknown_size(%x: tensor<?x8xf32>, %n: tensor<4xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'arith.addi'}}
  %u = arith.addi %t, %t : index
  %0 = tensor.empty(%u) : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @static_to_dynamic(%x: tensor<4x8xf32>, %w: tensor<2x8xf32>) -> tensor<?x2xf32> {
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'moe.linear': the dynamic size of 'tensor<?x2xf32>' is not a multiple of the token count}}
  %0 = moe.linear %x, %w : tensor<4x8xf32>, tensor<2x8xf32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

func.func @splat_of_argument(%x: tensor<?x8xf32>, %v: tensor<f32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.extract %v[] : tensor<f32>
  // expected-error @-1 {{'moe-lower-to-kernels' cannot lower 'tensor.extract'}}
  %0 = tensor.splat %e[%t] : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @dense_constant() -> tensor<2xf32> {
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'arith.constant': a constant that is no scalar or splat}}
  %0 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @scalar_math(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %a = arith.constant 1.0 : f32
  // expected-error @+1 {{'moe-lower-to-kernels' cannot lower 'arith.addf': it has no single ranked tensor result}}
  %b = arith.addf %a, %a : f32
  return %x : tensor<?x8xf32>
}
