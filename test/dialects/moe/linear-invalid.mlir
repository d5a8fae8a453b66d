// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank0(%x: tensor<f32>, %w: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{input must have rank >= 1, got 'tensor<f32>'}}
  %0 = moe.linear %x, %w : tensor<f32>, tensor<4x8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @input_dynamic_k(%x: tensor<?x?xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.linear %x, %w : tensor<?x?xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @weight_rank(%x: tensor<?x8xf32>, %w: tensor<1x4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight must have rank 2 ([N, K]), got 'tensor<1x4x8xf32>'}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<1x4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight must have a static shape, got 'tensor<?x8xf32>'}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @result_rank0(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<f32> {
  // expected-error @+1 {{result must have rank >= 1, got 'tensor<f32>'}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @result_dynamic_n(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{result may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @k_mismatch(%x: tensor<?x8xf32>, %w: tensor<4x16xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight dim 1 (the input's last dimension K) must be 8, got 16}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x16xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A [N, K] weight given as [K, N] (transposed) is rejected.
func.func @transposed_weight(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight dim 1 (the input's last dimension K) must be 8, got 4}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<8x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @result_rank(%x: tensor<?x2x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result must have the input's rank 3, got 'tensor<?x4xf32>'}}
  %0 = moe.linear %x, %w : tensor<?x2x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @result_dim1(%x: tensor<?x2x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x3x4xf32> {
  // expected-error @+1 {{result dim 1 must be 2, got 3}}
  %0 = moe.linear %x, %w : tensor<?x2x8xf32>, tensor<4x8xf32> -> tensor<?x3x4xf32>
  return %0 : tensor<?x3x4xf32>
}

// -----

func.func @result_tokens(%x: tensor<5x8xf32>, %w: tensor<4x8xf32>) -> tensor<6x4xf32> {
  // expected-error @+1 {{result dim 0 must be 5, got 6}}
  %0 = moe.linear %x, %w : tensor<5x8xf32>, tensor<4x8xf32> -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

func.func @result_n(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{result's last dimension (weight dim 0, N) must be 4, got 5}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @result_element_type(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xbf16> {
  // expected-error @+1 {{result element type 'bf16' must match the input's 'f32'}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}

// -----

func.func @bias_rank(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<1x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{bias must have rank 1 ([N]), got 'tensor<1x4xf32>'}}
  %0 = moe.linear %x, %w bias(%b : tensor<1x4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @bias_dynamic(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<?xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{bias must have a static shape, got 'tensor<?xf32>'}}
  %0 = moe.linear %x, %w bias(%b : tensor<?xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @bias_size(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{bias size (N) must be 4, got 8}}
  %0 = moe.linear %x, %w bias(%b : tensor<8xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @int_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<4xi32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operand #2 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = moe.linear %x, %w bias(%b : tensor<4xi32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @dense_with_quant(%x: tensor<?x8xf32>, %w: tensor<4x8xbf16>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'quant' needs a quantized weight, but weight has the dense element type 'bf16'}}
  %0 = moe.linear %x, %w {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x8xf32>, tensor<4x8xbf16> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @dense_with_scales(%x: tensor<?x8xf32>, %w: tensor<4x8xbf16>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{scales need a quantized weight, but weight has the dense element type 'bf16'}}
  %0 = moe.linear %x, %w scales(%s : tensor<4x1xf32>) : tensor<?x8xf32>, tensor<4x8xbf16> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// f64 passes the operand constraint (any float) but is no weight format.
func.func @f64_weight(%x: tensor<?x8xf32>, %w: tensor<4x8xf64>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight has element type 'f64', which is no weight format}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf64> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @f8e5m2_weight(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E5M2>, %s: tensor<1x1xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight has element type 'f8E5M2', which is no weight format}}
  %0 = moe.linear %x, %w scales(%s : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xf32>, tensor<4x128xf8E5M2> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @i16_weight(%x: tensor<?x8xf32>, %w: tensor<4x8xi16>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of floating-point or 8-bit signless integer or 4-bit signless integer values}}
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xi16> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @quantized_without_quant(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E4M3FN>, %s: tensor<1x1xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight of quantized element type 'f8E4M3FN' needs a 'quant' attribute}}
  %0 = moe.linear %x, %w scales(%s : tensor<1x1xf32>) : tensor<?x128xf32>, tensor<4x128xf8E4M3FN> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @scheme_mismatch(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E4M3FN>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{quant scheme 'int8' stores 'i8', but weight has element type 'f8E4M3FN'}}
  %0 = moe.linear %x, %w scales(%s : tensor<4x1xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x128xf32>, tensor<4x128xf8E4M3FN> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @scheme_mismatch_int4(%x: tensor<?x128xf32>, %w: tensor<4x128xi8>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{quant scheme 'int4' stores 'i4', but weight has element type 'i8'}}
  %0 = moe.linear %x, %w scales(%s : tensor<4x1xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x128xf32>, tensor<4x128xi8> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @missing_scales(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E4M3FN>) -> tensor<?x4xf32> {
  // expected-error @+1 {{weight is quantized but has no scales}}
  %0 = moe.linear %x, %w {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xf32>, tensor<4x128xf8E4M3FN> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// N = 192 needs ceil(192 / 128) = 2 row blocks, not 1.
func.func @scales_ragged_floor(%x: tensor<?x256xbf16>, %w: tensor<192x256xf8E4M3FN>, %s: tensor<1x2xf32>) -> tensor<?x192xbf16> {
  // expected-error @+1 {{scales of weight must have shape [2, 2] (blocks of 128x128 over [192, 256]), got 'tensor<1x2xf32>'}}
  %0 = moe.linear %x, %w scales(%s : tensor<1x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x256xbf16>, tensor<192x256xf8E4M3FN> -> tensor<?x192xbf16>
  return %0 : tensor<?x192xbf16>
}

// -----

// Groups of [1, 128]: one scale per row and 128 columns.
func.func @scales_int4_groups(%x: tensor<?x256xbf16>, %w: tensor<4x256xi4>, %s: tensor<1x2xf32>) -> tensor<?x4xbf16> {
  // expected-error @+1 {{scales of weight must have shape [4, 2] (blocks of 1x128 over [4, 256]), got 'tensor<1x2xf32>'}}
  %0 = moe.linear %x, %w scales(%s : tensor<1x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi4> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}

// -----

func.func @scales_transposed(%x: tensor<?x256xbf16>, %w: tensor<4x256xi8>, %s: tensor<2x4xf32>) -> tensor<?x4xbf16> {
  // expected-error @+1 {{scales of weight must have shape [4, 2]}}
  %0 = moe.linear %x, %w scales(%s : tensor<2x4xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi8> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}

// -----

func.func @scales_rank(%x: tensor<?x256xbf16>, %w: tensor<4x256xi8>, %s: tensor<8xf32>) -> tensor<?x4xbf16> {
  // expected-error @+1 {{scales of weight must have shape [4, 2]}}
  %0 = moe.linear %x, %w scales(%s : tensor<8xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi8> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}

// -----

func.func @int_input(%x: tensor<?x8xi32>, %w: tensor<4x8xf32>) -> tensor<?x4xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.linear %x, %w : tensor<?x8xi32>, tensor<4x8xf32> -> tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

func.func @quant_attr_kind(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{attribute 'quant' failed to satisfy constraint}}
  %0 = moe.linear %x, %w {quant = 1 : i32} : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @segment_sizes(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{operand count (2) does not match with the total size (3) specified in attribute 'operandSegmentSizes'}}
  %0 = "moe.linear"(%x, %w) <{operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @missing_segment_sizes(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'operandSegmentSizes'}}
  %0 = "moe.linear"(%x, %w) : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A rank-1 input has no token dimension: its only dimension is K.
func.func @linear_rank1_dynamic_k(%x: tensor<?xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{input must have a static last (feature) dimension}}
  %0 = moe.linear %x, %w : tensor<?xf32>, tensor<4x8xf32> -> tensor<?xf32>
  return
}

// -----

func.func @swiglu_result(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{result's last dimension (half of weight dim 0, I) must be 6, got 12}}
  %0 = moe.linear %x, %w {swiglu} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @swiglu_odd(%x: tensor<?x8xf32>, %w: tensor<7x8xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'swiglu' needs an even weight dim 0 (the gate rows, then as many up rows), got 7}}
  %0 = moe.linear %x, %w {swiglu} : tensor<?x8xf32>, tensor<7x8xf32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @swiglu_bias(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>, %b: tensor<12xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{'swiglu' takes no bias}}
  %0 = moe.linear %x, %w bias(%b : tensor<12xf32>) {swiglu} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @swiglu_block(%x: tensor<?x128xbf16>, %w: tensor<192x128xf8E4M3FN>, %s: tensor<2x1xf32>) -> tensor<?x96xbf16> {
  // expected-error @+1 {{'swiglu' needs half of weight dim 0 (96) to be a multiple of the quant block's rows (128)}}
  %0 = moe.linear %x, %w scales(%s : tensor<2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, swiglu} : tensor<?x128xbf16>, tensor<192x128xf8E4M3FN> -> tensor<?x96xbf16>
  return %0 : tensor<?x96xbf16>
}

// -----

func.func @two_results(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{has 2 results; only a 'split' linear has more than one}}
  %0:2 = moe.linear %x, %w : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x12xf32>, tensor<?x12xf32>
  return %0#0 : tensor<?x12xf32>
}

// -----

func.func @split_count(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'split' has 3 segments but the op has 2 results}}
  %0:2 = moe.linear %x, %w {split = array<i64: 4, 4, 4>} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x4xf32>, tensor<?x4xf32>
  return %0#0 : tensor<?x4xf32>
}

// -----

func.func @split_one(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{'split' needs at least two segments, got 1}}
  %0 = moe.linear %x, %w {split = array<i64: 12>} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @split_sum(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'split' segments sum to 10, but weight dim 0 (N) is 12}}
  %0:2 = moe.linear %x, %w {split = array<i64: 4, 6>} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x4xf32>, tensor<?x6xf32>
  return %0#0 : tensor<?x4xf32>
}

// -----

func.func @split_empty_segment(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{'split' segment 1 must have at least one row, got 0}}
  %0:2 = moe.linear %x, %w {split = array<i64: 12, 0>} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x12xf32>, tensor<?x0xf32>
  return %0#0 : tensor<?x12xf32>
}

// -----

func.func @split_result(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result 1's last dimension (its 'split' segment) must be 8, got 4}}
  %0:2 = moe.linear %x, %w {split = array<i64: 4, 8>} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x4xf32>, tensor<?x4xf32>
  return %0#0 : tensor<?x4xf32>
}

// -----

func.func @split_result_type(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{result 1 element type 'bf16' must match the input's 'f32'}}
  %0:2 = moe.linear %x, %w {split = array<i64: 4, 8>} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x4xf32>, tensor<?x8xbf16>
  return %0#0 : tensor<?x4xf32>
}

// -----

func.func @split_swiglu(%x: tensor<?x8xf32>, %w: tensor<12x8xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'split' and 'swiglu' do not combine}}
  %0:2 = moe.linear %x, %w {split = array<i64: 6, 6>, swiglu} : tensor<?x8xf32>, tensor<12x8xf32> -> tensor<?x3xf32>, tensor<?x3xf32>
  return %0#0 : tensor<?x3xf32>
}

// -----

func.func @split_block(%x: tensor<?x128xbf16>, %w: tensor<320x128xf8E4M3FN>, %s: tensor<3x1xf32>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'split' segment 0 (64 rows) must be a multiple of the quant block's rows (128) so no scale block spans two}}
  %0:2 = moe.linear %x, %w scales(%s : tensor<3x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>, split = array<i64: 64, 256>} : tensor<?x128xbf16>, tensor<320x128xf8E4M3FN> -> tensor<?x64xbf16>, tensor<?x256xbf16>
  return %0#0 : tensor<?x64xbf16>
}
