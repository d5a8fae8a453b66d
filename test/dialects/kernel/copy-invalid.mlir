// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @count(%a: memref<4xf32>, %b: memref<4xf32>, %c: memref<4xf32>) {
  // expected-error @+1 {{expects 1 ins and 1 outs (src; dst), got 2 and 1}}
  kernel.copy ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%c : memref<4xf32>) src_offsets = [0] src_strides = [1] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @type(%a: memref<4xf32>, %b: memref<4xbf16>) {
  // expected-error @+1 {{dst element type 'bf16' must be src's 'f32'}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xbf16>) src_offsets = [0] src_strides = [1] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @rank(%a: memref<4xf32>, %b: memref<1x4xf32>) {
  // expected-error @+1 {{src and dst must have the same rank, got 'memref<4xf32>' and 'memref<1x4xf32>'}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<1x4xf32>) src_offsets = [0] src_strides = [1] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @entries(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{'src_strides' must have one entry per dim (1), got 2}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [1, 1] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @offset(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{offsets must be >= 0, got -1 and 0 in dim 0}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) src_offsets = [-1] src_strides = [1] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @stride(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{src_strides must be >= 1, got 0 in dim 0}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [0] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @dynamic_size_static_dim(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{size ? of dim 0 spans a dynamic dim of both src and dst, got 'memref<4xf32>' and 'memref<4xf32>'}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [1] sizes = [?] dst_offsets = [0]
  return
}

// -----

func.func @dynamic_offset(%a: memref<?xf32>, %b: memref<?xf32>) {
  // expected-error @+1 {{a dim of size ? takes offsets 0 and stride 1, dim 0 has 1, 0 and 1}}
  kernel.copy ins(%a : memref<?xf32>) outs(%b : memref<?xf32>) src_offsets = [1] src_strides = [1] sizes = [?] dst_offsets = [0]
  return
}

// -----

func.func @dynamic_scale(%a: memref<?xf32>) {
  %b = kernel.buffer tokens(2) : memref<?xf32>
  // expected-error @+1 {{dst dim 0 (src's tokens) must be T, got 2*T}}
  kernel.copy ins(%a : memref<?xf32>) outs(%b : memref<?xf32>) src_offsets = [0] src_strides = [1] sizes = [?] dst_offsets = [0]
  return
}

// -----

func.func @size(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{sizes must be >= 1 or ?, got 0 in dim 0}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [1] sizes = [0] dst_offsets = [0]
  return
}

// -----

func.func @static_in_dynamic(%a: memref<?xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{the box's static size 4 in the dynamic dim 0 does not fit every T (use ?)}}
  kernel.copy ins(%a : memref<?xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [1] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @huge(%a: memref<4xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{box entries must be at most 16777216 (ds's ceiling on one dimension) in dim 0}}
  kernel.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [4611686018427387904] sizes = [4] dst_offsets = [0]
  return
}

// -----

func.func @src_fit(%a: memref<8xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{the box does not fit src in dim 0: elements up to 9 of 8}}
  kernel.copy ins(%a : memref<8xf32>) outs(%b : memref<4xf32>) src_offsets = [4] src_strides = [2] sizes = [3] dst_offsets = [0]
  return
}

// -----

func.func @dst_fit(%a: memref<8xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{the box does not fit dst in dim 0: elements up to 5 of 4}}
  kernel.copy ins(%a : memref<8xf32>) outs(%b : memref<4xf32>) src_offsets = [0] src_strides = [1] sizes = [3] dst_offsets = [2]
  return
}
