// RUN: ds-opt %s -split-input-file -verify-diagnostics

// The checks every launch op shares (LaunchOpInterface).

func.func @layout(%x: memref<4x4xf32, strided<[8, 1]>>) {
  %y = kernel.buffer : memref<4x4xf32>
  // expected-error @+1 {{in #0 'memref<4x4xf32, strided<[8, 1]>>' must have the identity layout}}
  kernel.elementwise neg ins(%x : memref<4x4xf32, strided<[8, 1]>>) outs(%y : memref<4x4xf32>)
  return
}

// -----

func.func @space(%x: memref<4x4xf32, 1>) {
  %y = kernel.buffer : memref<4x4xf32>
  // expected-error @+1 {{in #0 'memref<4x4xf32, 1>' must be in the default memory space}}
  kernel.elementwise neg ins(%x : memref<4x4xf32, 1>) outs(%y : memref<4x4xf32>)
  return
}

// -----

func.func @inner_dynamic(%x: memref<4x?xf32>, %y: memref<4x?xf32>) {
  // expected-error @+1 {{in #0 'memref<4x?xf32>' may only have a dynamic leading (token) dim, but dim 1 is dynamic}}
  kernel.elementwise neg ins(%x : memref<4x?xf32>) outs(%y : memref<4x?xf32>)
  return
}

// -----

func.func @too_big(%x: memref<33554432xf32>, %y: memref<33554432xf32>) {
  // expected-error @+1 {{in #0 'memref<33554432xf32>': dim 0 (33554432) is above ds's ceiling of 16777216}}
  kernel.elementwise neg ins(%x : memref<33554432xf32>) outs(%y : memref<33554432xf32>)
  return
}

// -----

moe.parameter @p : tensor<4xf32>
func.func @write_weight(%x: memref<4xf32>) {
  %w = kernel.weight @p : memref<4xf32>
  // expected-error @+1 {{out #0 is a weight, which launches only read}}
  kernel.elementwise neg ins(%x : memref<4xf32>) outs(%w : memref<4xf32>)
  return
}

// -----

func.func @config_empty(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @+1 {{'config' must hold at least one #kernel.config}}
  kernel.elementwise neg ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {config = []}
  return
}

// -----

func.func @config_last(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @+1 {{the last config must have max_tokens = 0 (unbounded), got 64}}
  kernel.elementwise neg ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {config = [#kernel.config<max_tokens = 64, variant = "rows", tile = [1], stages = 1, warps = 4, cluster = [1]>]}
  return
}

// -----

func.func @config_order(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @+1 {{config max_tokens must increase strictly, with 0 (unbounded) only on the last; got 16 at 1}}
  kernel.elementwise neg ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {config = [#kernel.config<max_tokens = 64, variant = "rows", tile = [1], stages = 1, warps = 4, cluster = [1]>, #kernel.config<max_tokens = 16, variant = "rows", tile = [1], stages = 1, warps = 4, cluster = [1]>, #kernel.config<max_tokens = 0, variant = "rows", tile = [1], stages = 1, warps = 4, cluster = [1]>]}
  return
}

// -----

func.func @config_zero_early(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @+1 {{config max_tokens must increase strictly, with 0 (unbounded) only on the last; got 0 at 0}}
  kernel.elementwise neg ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {config = [#kernel.config<max_tokens = 0, variant = "rows", tile = [1], stages = 1, warps = 4, cluster = [1]>, #kernel.config<max_tokens = 0, variant = "rows", tile = [1], stages = 1, warps = 4, cluster = [1]>]}
  return
}

// -----

func.func @config_type(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @+1 {{attribute 'config' failed to satisfy constraint: array of #kernel.config}}
  kernel.elementwise neg ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {config = [1]}
  return
}
