// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @half_split
func.func @half_split(%x: memref<?x4x16xbf16>, %pos: memref<?xi32>) {
  %y = kernel.buffer tokens(1) : memref<?x4x16xbf16>
  // CHECK: kernel.rope half_split ins(%arg0, %arg1 : memref<?x4x16xbf16>, memref<?xi32>) outs(%{{.*}} : memref<?x4x16xbf16>) {theta = 1.000000e+06 : f64}
  kernel.rope half_split ins(%x, %pos : memref<?x4x16xbf16>, memref<?xi32>) outs(%y : memref<?x4x16xbf16>) {theta = 1.0e+06 : f64}
  return
}

// CHECK-LABEL: func.func @yarn
func.func @yarn(%x: memref<?x1x8xbf16>, %pos: memref<?xi64>) {
  %y = kernel.buffer tokens(1) : memref<?x1x8xbf16>
  // CHECK: kernel.rope interleaved ins(%arg0, %arg1 : memref<?x1x8xbf16>, memref<?xi64>) outs(%{{.*}} : memref<?x1x8xbf16>) {scaling = #moe.yarn<factor = 4.000000e+01, original_max_position_embeddings = 4096, mscale = 1.000000e+00, mscale_all_dim = 1.000000e+00>, theta = 1.000000e+04 : f64}
  kernel.rope interleaved ins(%x, %pos : memref<?x1x8xbf16>, memref<?xi64>) outs(%y : memref<?x1x8xbf16>) {theta = 1.0e+04 : f64, scaling = #moe.yarn<factor = 40.0, original_max_position_embeddings = 4096, mscale = 1.0, mscale_all_dim = 1.0>}
  return
}
