// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<?x1x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{input must have rank 2 ([R, K]), got 'tensor<?x1x8xf32>'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x1x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @input_dynamic_k(%x: tensor<?x?xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{input may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x?xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @weight_rank(%x: tensor<?x8xf32>, %w: tensor<6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{weight must have rank 3 ([E, N, K]), got 'tensor<6x8xf32>'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @weight_dynamic(%x: tensor<?x8xf32>, %w: tensor<?x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{weight must have a static shape, got 'tensor<?x6x8xf32>'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<?x6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @offsets_rank(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<1x5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{offsets must have rank 1 ([E + 1]), got 'tensor<1x5xi32>'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<1x5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @offsets_dynamic(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<?xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{offsets must have a static shape, got 'tensor<?xi32>'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<?xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @result_rank(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?xf32> {
  // expected-error @+1 {{result must have rank 2 ([R, N]), got 'tensor<?xf32>'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @result_dynamic_n(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{result may only have a dynamic token dimension (dim 0), but dim 1 of 'tensor<?x?xf32>' is dynamic}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A down-projection weight [E, H, I] applied to rows of size H.
func.func @weight_k(%x: tensor<?x8xf32>, %w: tensor<4x8x6xf32>, %o: tensor<5xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{weight dim 2 (the input's K) must be 8, got 6}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x8x6xf32>, tensor<5xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// Offsets have E + 1 entries, not E.
func.func @offsets_size(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<4xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{offsets size (weight experts + 1) must be 5, got 4}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<4xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @result_rows(%x: tensor<8x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<6x6xf32> {
  // expected-error @+1 {{result rows (the input's) must be 8, got 6}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<8x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<6x6xf32>
  return %0 : tensor<6x6xf32>
}

// -----

func.func @result_n(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{result dim 1 (weight dim 1, N) must be 6, got 8}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @result_element_type(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf16> {
  // expected-error @+1 {{result element type 'f16' must match the input's 'f32'}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x6xf16>
  return %0 : tensor<?x6xf16>
}

// -----

func.func @dense_with_quant(%x: tensor<?x8xf32>, %w: tensor<4x6x8xbf16>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{'quant' needs a quantized weight, but weight has the dense element type 'bf16'}}
  %0 = moe.grouped_matmul %x, %w, %o {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x8xf32>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @dense_with_scales(%x: tensor<?x8xf32>, %w: tensor<4x6x8xbf16>, %o: tensor<5xi32>, %s: tensor<4x1x1xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{scales need a quantized weight, but weight has the dense element type 'bf16'}}
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<4x1x1xf32>) : tensor<?x8xf32>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @f64_weight(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf64>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{weight has element type 'f64', which is no weight format}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf64>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @quantized_without_quant(%x: tensor<?x8xf32>, %w: tensor<4x6x8xi4>, %o: tensor<5xi32>, %s: tensor<4x6x1xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{weight of quantized element type 'i4' needs a 'quant' attribute}}
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<4x6x1xf32>) : tensor<?x8xf32>, tensor<4x6x8xi4>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @scheme_mismatch(%x: tensor<?x8xf32>, %w: tensor<4x6x8xi4>, %o: tensor<5xi32>, %s: tensor<4x1x1xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{quant scheme 'fp8_e4m3' stores 'f8E4M3FN', but weight has element type 'i4'}}
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<4x1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x8xf32>, tensor<4x6x8xi4>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @missing_scales(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf8E4M3FN>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{weight is quantized but has no scales}}
  %0 = moe.grouped_matmul %x, %w, %o {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x8xf32>, tensor<4x6x8xf8E4M3FN>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

// Per-expert scales need the leading expert dimension.
func.func @scales_without_experts(%x: tensor<?x200xf32>, %w: tensor<4x192x200xf8E4M3FN>, %o: tensor<5xi32>, %s: tensor<2x2xf32>) -> tensor<?x192xf32> {
  // expected-error @+1 {{scales of weight must have shape [4, 2, 2] (blocks of 128x128 over [4, 192, 200]), got 'tensor<2x2xf32>'}}
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xf32>, tensor<4x192x200xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xf32>
  return %0 : tensor<?x192xf32>
}

// -----

func.func @scales_ragged(%x: tensor<?x200xf32>, %w: tensor<4x192x200xf8E4M3FN>, %o: tensor<5xi32>, %s: tensor<4x1x1xf32>) -> tensor<?x192xf32> {
  // expected-error @+1 {{scales of weight must have shape [4, 2, 2]}}
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<4x1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xf32>, tensor<4x192x200xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xf32>
  return %0 : tensor<?x192xf32>
}

// -----

func.func @int_input(%x: tensor<?x8xi8>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xi8>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @i64_offsets(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi64>) -> tensor<?x6xf32> {
  // expected-error @+1 {{operand #2 must be ranked tensor of 32-bit signless integer values}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<5xi64> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @operand_count(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{expected 3 or more operands, but found 2}}
  %0 = "moe.grouped_matmul"(%x, %w) : (tensor<?x8xf32>, tensor<4x6x8xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @grouped_matmul_zero_experts(%x: tensor<?x8xf32>, %w: tensor<0x6x8xf32>, %o: tensor<1xi32>) {
  // expected-error @+1 {{needs at least one expert}}
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<0x6x8xf32>, tensor<1xi32> -> tensor<?x6xf32>
  return
}

// -----

func.func @swiglu_result(%x: tensor<?x8xf32>, %w: tensor<4x12x8xf32>, %o: tensor<5xi32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{result dim 1 (half of weight dim 1, I) must be 6, got 12}}
  %0 = moe.grouped_matmul %x, %w, %o {swiglu} : tensor<?x8xf32>, tensor<4x12x8xf32>, tensor<5xi32> -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @swiglu_odd(%x: tensor<?x8xf32>, %w: tensor<4x7x8xf32>, %o: tensor<5xi32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'swiglu' needs an even weight dim 1 (the gate rows, then as many up rows), got 7}}
  %0 = moe.grouped_matmul %x, %w, %o {swiglu} : tensor<?x8xf32>, tensor<4x7x8xf32>, tensor<5xi32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
