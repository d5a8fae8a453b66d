// RUN: ds-opt %s -split-input-file -verify-diagnostics

func.func @element(%s: memref<4xf32>) {
  // expected-error @+1 {{result element type 'i32' must be the source's 'f32'}}
  %v = kernel.view %s [0] : memref<4xf32> to memref<4xi32>
  return
}

// -----

func.func @offset(%s: memref<4xf32>) {
  // expected-error @+1 {{offset must be >= 0, got -1}}
  %v = kernel.view %s [-1] : memref<4xf32> to memref<2xf32>
  return
}

// -----

func.func @static_source(%s: memref<4xf32>) {
  // expected-error @+1 {{a view of a static source has a static shape, got 'memref<?xf32>'}}
  %v = kernel.view %s [0] : memref<4xf32> to memref<?xf32>
  return
}

// -----

func.func @rows(%s: memref<?x6xf32>) {
  // expected-error @+1 {{the source's 6 elements per token are no whole number of result rows of 4 elements}}
  %v = kernel.view %s [0] : memref<?x6xf32> to memref<?x4xf32>
  return
}

// -----

func.func @fit_static(%s: memref<8xf32>) {
  // expected-error @+1 {{result (0*T + 4 elements at offset 6) does not fit the source (0*T + 8 elements) for every T}}
  %v = kernel.view %s [6] : memref<8xf32> to memref<4xf32>
  return
}

// -----

func.func @fit_dynamic(%s: memref<?x8xf32>) {
  // expected-error @+1 {{result (8*T + 0 elements at offset 8) does not fit the source (8*T + 0 elements) for every T}}
  %v = kernel.view %s [8] : memref<?x8xf32> to memref<?x8xf32>
  return
}

// -----

func.func @static_of_dynamic(%s: memref<?x8xf32>) {
  // expected-error @+1 {{result (0*T + 8 elements at offset 0) does not fit the source (8*T + 0 elements) for every T}}
  %v = kernel.view %s [0] : memref<?x8xf32> to memref<8xf32>
  return
}

// -----

func.func @layout(%s: memref<8xf32>) {
  // expected-error @+1 {{result 'memref<4xf32, strided<[2]>>' must have the identity layout}}
  %v = kernel.view %s [0] : memref<8xf32> to memref<4xf32, strided<[2]>>
  return
}
