// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?x1x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x1x8xf32> {
  // expected-error @+1 {{input must have rank 2 ([T, H]), got 'tensor<?x1x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x1x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x1x8xf32>
  return %y : tensor<?x1x8xf32>
}

// -----

func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x?xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

func.func @gate_rank(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate must have rank 3 ([E, I, H]), got 'tensor<6x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @gate_dynamic(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<?x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate must have a static shape, got 'tensor<?x6x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<?x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @up_rank(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{up must have rank 3 ([E, I, H]), got 'tensor<6x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @up_dynamic(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x?x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{up must have a static shape, got 'tensor<4x?x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x?x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @down_rank(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{down must have rank 3 ([E, H, I]), got 'tensor<8x6xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @down_dynamic(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x?xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{down must have a static shape, got 'tensor<4x8x?xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x?xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @weights_rank(%x: tensor<?x8xf32>, %w: tensor<?xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weights must have rank 2 ([T, top_k]), got 'tensor<?xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @indices_rank(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{indices must have rank 2 ([T, top_k]), got 'tensor<?xi32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @weights_dynamic_k(%x: tensor<?x8xf32>, %w: tensor<?x?xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weights may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x?xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @weights_tokens(%x: tensor<3x8xf32>, %w: tensor<2x2xf32>, %i: tensor<3x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{weights dim 0 (tokens) must be 3, got 2}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<3x8xf32>, tensor<2x2xf32>, tensor<3x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// -----

func.func @indices_tokens(%x: tensor<3x8xf32>, %w: tensor<3x2xf32>, %i: tensor<2x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{indices dim 0 (tokens) must be 3, got 2}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<3x8xf32>, tensor<3x2xf32>, tensor<2x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// -----

func.func @indices_topk(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x1xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{indices dim 1 (top_k, the weights') must be 2, got 1}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x1xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// gate given in the [E, H, I] layout of down.
func.func @gate_hidden(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x8x6xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate dim 2 (the input's hidden size) must be 8, got 6}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x8x6xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @up_experts(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<2x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{up shape [E, I, H]: dim 0 must be 4, got 2}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<2x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @up_inter(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x4x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{up shape [E, I, H]: dim 1 must be 6, got 4}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x4x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @up_hidden(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x6xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{up shape [E, I, H]: dim 2 must be 8, got 6}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x6xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @down_experts(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<2x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{down shape [E, H, I]: dim 0 must be 4, got 2}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<2x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// down given in the [E, I, H] layout of gate and up.
func.func @down_hidden(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x6x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{down shape [E, H, I]: dim 1 must be 8, got 6}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @down_inter(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x4xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{down shape [E, H, I]: dim 2 must be 6, got 4}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x4xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @element_types(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xbf16>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate, up and down must share one element type, got 'f32', 'bf16', 'f32'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xbf16>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @down_element_type(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf16>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate, up and down must share one element type, got 'f32', 'f32', 'f16'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf16>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @result_type(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xbf16> {
  // expected-error @+1 {{result type 'tensor<?x8xbf16>' must match the input type 'tensor<?x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// -----

func.func @result_shape(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{result type 'tensor<3x8xf32>' must match the input type 'tensor<?x8xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// -----

func.func @one_scale(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf8E4M3FN>, %u: tensor<4x6x8xf8E4M3FN>, %d: tensor<4x8x6xf8E4M3FN>, %sg: tensor<4x1x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{takes no scales or 3 (gate, up, down), got 1}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf8E4M3FN>, tensor<4x6x8xf8E4M3FN>, tensor<4x8x6xf8E4M3FN>, tensor<4x1x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @four_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf8E4M3FN>, %u: tensor<4x6x8xf8E4M3FN>, %d: tensor<4x8x6xf8E4M3FN>, %sg: tensor<4x1x1xf32>, %su: tensor<4x1x1xf32>, %sd: tensor<4x1x1xf32>, %sx: tensor<4x1x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{takes no scales or 3 (gate, up, down), got 4}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd, %sx) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf8E4M3FN>, tensor<4x6x8xf8E4M3FN>, tensor<4x8x6xf8E4M3FN>, tensor<4x1x1xf32>, tensor<4x1x1xf32>, tensor<4x1x1xf32>, tensor<4x1x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @dense_with_quant(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'quant' needs a quantized weight, but gate has the dense element type 'f32'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @dense_with_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>, %sg: tensor<4x6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{scales need a quantized weight, but gate has the dense element type 'f32'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>, tensor<4x6x1xf32>, tensor<4x6x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @f64_experts(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf64>, %u: tensor<4x6x8xf64>, %d: tensor<4x8x6xf64>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate has element type 'f64', which is no weight format}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf64>, tensor<4x6x8xf64>, tensor<4x8x6xf64>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @quantized_without_quant(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<4x6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate of quantized element type 'i8' needs a 'quant' attribute}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<4x6x1xf32>, tensor<4x6x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @quantized_without_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>) -> tensor<?x8xf32> {
  // expected-error @+1 {{gate is quantized but has no scales}}
  %y = moe.experts %x, %w, %i, %g, %u, %d {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @scheme_mismatch(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<4x6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{quant scheme 'int4' stores 'i4', but gate has element type 'i8'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) {quant = #moe.quant<int4, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<4x6x1xf32>, tensor<4x6x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Expert scales carry the expert dimension.
func.func @gate_scales_shape(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{scales of gate must have shape [4, 6, 1] (blocks of 1x128 over [4, 6, 8]), got 'tensor<6x1xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<6x1xf32>, tensor<4x6x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @up_scales_shape(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<4x6x1xf32>, %su: tensor<4x8x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{scales of up must have shape [4, 6, 1] (blocks of 1x128 over [4, 6, 8]), got 'tensor<4x8x1xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<4x6x1xf32>, tensor<4x8x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// The scales of down follow its [E, H, I] shape, not that of gate.
func.func @down_scales_shape(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<4x6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x6x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{scales of down must have shape [4, 8, 1] (blocks of 1x128 over [4, 8, 6]), got 'tensor<4x6x1xf32>'}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<4x6x1xf32>, tensor<4x6x1xf32>, tensor<4x6x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @int_input(%x: tensor<?x8xi32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xi32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xi32>
  return %y : tensor<?x8xi32>
}

// -----

func.func @float_indices(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xf32>, %g: tensor<4x6x8xf32>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #2 must be ranked tensor of 32-bit signless integer values}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @i16_gate(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi16>, %u: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #3 must be ranked tensor of floating-point or 8-bit signless integer or 4-bit signless integer values}}
  %y = moe.experts %x, %w, %i, %g, %u, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi16>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @int_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<4x6x1xi8>, %su: tensor<4x6x1xf32>, %sd: tensor<4x8x1xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{operand #6 must be variadic of ranked tensor of floating-point values}}
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<4x6x1xi8>, tensor<4x6x1xf32>, tensor<4x8x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @operand_count(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{expected 6 or more operands, but found 5}}
  %y = "moe.experts"(%x, %w, %i, %g, %g) : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @functional_type_count(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{number of operands and types do not match: got 6 operands and 5 types}}
  %y = moe.experts %x, %w, %i, %g, %g, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @experts_tokens_disagree_through_dynamic(%x: tensor<?x8xf32>, %w: tensor<2x2xf32>, %i: tensor<3x2xi32>, %g: tensor<4x6x8xf32>, %d: tensor<4x8x6xf32>) {
  // expected-error @+1 {{indices dim 0 (tokens) must be 2, got 3}}
  %y = moe.experts %x, %w, %i, %g, %g, %d : (tensor<?x8xf32>, tensor<2x2xf32>, tensor<3x2xi32>, tensor<4x6x8xf32>, tensor<4x6x8xf32>, tensor<4x8x6xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @experts_zero_experts(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<0x6x8xf32>, %d: tensor<0x8x6xf32>) {
  // expected-error @+1 {{needs at least one expert}}
  %y = moe.experts %x, %w, %i, %g, %g, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<0x6x8xf32>, tensor<0x6x8xf32>, tensor<0x8x6xf32>) -> tensor<?x8xf32>
  return
}
