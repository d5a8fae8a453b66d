// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: memref<?x64xbf16>, %gate: memref<8x64xbf16>) {
  %w = kernel.buffer tokens(1) : memref<?x2xbf16>
  %ids = kernel.buffer tokens(1) : memref<?x2xi32>
  // CHECK: kernel.router ins(%arg0, %arg1 : memref<?x64xbf16>, memref<8x64xbf16>) outs(%{{.*}}, %{{.*}} : memref<?x2xbf16>, memref<?x2xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>}
  kernel.router ins(%x, %gate : memref<?x64xbf16>, memref<8x64xbf16>) outs(%w, %ids : memref<?x2xbf16>, memref<?x2xi32>) {routing = #moe.router<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>}
  return
}

// CHECK-LABEL: func.func @noaux_tc
func.func @noaux_tc(%x: memref<?x64xbf16>, %gate: memref<16x64xbf16>, %b: memref<16xf32>) {
  %w = kernel.buffer tokens(1) : memref<?x4xf32>
  %ids = kernel.buffer tokens(1) : memref<?x4xi32>
  // CHECK: kernel.router ins(%arg0, %arg1, %arg2 : memref<?x64xbf16>, memref<16x64xbf16>, memref<16xf32>) outs(%{{.*}}, %{{.*}} : memref<?x4xf32>, memref<?x4xi32>) {routing = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 4, n_group = 4, topk_group = 2, norm_topk_prob = true, routed_scaling_factor = 2.500000e+00>}
  kernel.router ins(%x, %gate, %b : memref<?x64xbf16>, memref<16x64xbf16>, memref<16xf32>) outs(%w, %ids : memref<?x4xf32>, memref<?x4xi32>) {routing = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 4, n_group = 4, topk_group = 2, norm_topk_prob = true, routed_scaling_factor = 2.5>}
  return
}
