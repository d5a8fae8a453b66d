// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @dense
func.func @dense(%w: memref<8x96x64xbf16>, %offs: memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xbf16>
  %c = kernel.buffer tokens(2) : memref<?x96xbf16>
  // CHECK: kernel.grouped_gemm ins(%{{.*}}, %arg0, %arg1 : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%{{.*}} : memref<?x96xbf16>)
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>)
  return
}

// CHECK-LABEL: func.func @quant
func.func @quant(%w: memref<4x256x128xf8E4M3FN>, %offs: memref<5xi32>, %s: memref<4x2x1xf32>) {
  %rows = kernel.buffer tokens(8) : memref<?x128xbf16>
  %c = kernel.buffer tokens(8) : memref<?x256xbf16>
  // CHECK: kernel.grouped_gemm ins(%{{.*}}, %arg0, %arg1, %arg2 : memref<?x128xbf16>, memref<4x256x128xf8E4M3FN>, memref<5xi32>, memref<4x2x1xf32>) outs(%{{.*}} : memref<?x256xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  kernel.grouped_gemm ins(%rows, %w, %offs, %s : memref<?x128xbf16>, memref<4x256x128xf8E4M3FN>, memref<5xi32>, memref<4x2x1xf32>) outs(%c : memref<?x256xbf16>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}

// Each expert's gate rows then its up rows; c is their SwiGLU.
// CHECK-LABEL: func.func @swiglu
func.func @swiglu(%rows: memref<?x64xbf16>, %w: memref<8x192x64xbf16>, %offs: memref<9xi32>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // CHECK: kernel.grouped_gemm ins(%arg0, %arg1, %arg2 : memref<?x64xbf16>, memref<8x192x64xbf16>, memref<9xi32>) outs(%{{.*}} : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
  kernel.grouped_gemm ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x192x64xbf16>, memref<9xi32>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
  return
}
