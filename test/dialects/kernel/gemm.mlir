// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// CHECK-LABEL: func.func @dense
func.func @dense(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // CHECK: kernel.gemm ins(%arg0, %arg1 : memref<?x64xbf16>, memref<128x64xbf16>) outs(%{{.*}} : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<bias = false>}
  return
}

// The rows of a dispatch (4·T) and a static M.
// CHECK-LABEL: func.func @scaled_and_static
func.func @scaled_and_static(%w: memref<128x64xf32>, %s: memref<3x64xf32>) {
  %a = kernel.buffer tokens(4) : memref<?x64xf32>
  %c = kernel.buffer tokens(4) : memref<?x128xf32>
  // CHECK: kernel.gemm ins(%{{.*}}, %arg0 : memref<?x64xf32>, memref<128x64xf32>) outs(%{{.*}} : memref<?x128xf32>)
  kernel.gemm ins(%a, %w : memref<?x64xf32>, memref<128x64xf32>) outs(%c : memref<?x128xf32>) {epilogue = #kernel.epilogue<>}
  %c2 = kernel.buffer : memref<3x128xf32>
  // CHECK: kernel.gemm ins(%arg1, %arg0 : memref<3x64xf32>, memref<128x64xf32>) outs(%{{.*}} : memref<3x128xf32>)
  kernel.gemm ins(%s, %w : memref<3x64xf32>, memref<128x64xf32>) outs(%c2 : memref<3x128xf32>) {epilogue = #kernel.epilogue<bias = false>}
  return
}

// Operand order (ds/module.h): a, w, scales, bias.
// CHECK-LABEL: func.func @quant_bias
func.func @quant_bias(%a: memref<?x256xbf16>, %w: memref<256x256xf8E4M3FN>, %s: memref<2x2xf32>, %b: memref<256xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x256xbf16>
  // CHECK: kernel.gemm ins(%arg0, %arg1, %arg2, %arg3 : memref<?x256xbf16>, memref<256x256xf8E4M3FN>, memref<2x2xf32>, memref<256xbf16>) outs(%{{.*}} : memref<?x256xbf16>) {epilogue = #kernel.epilogue<bias = true>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  kernel.gemm ins(%a, %w, %s, %b : memref<?x256xbf16>, memref<256x256xf8E4M3FN>, memref<2x2xf32>, memref<256xbf16>) outs(%c : memref<?x256xbf16>) {epilogue = #kernel.epilogue<bias = true>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}

// CHECK-LABEL: func.func @configs
func.func @configs(%a: memref<?x64xbf16>, %w: memref<128x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x128xbf16>
  // CHECK: config = [#kernel.config<max_tokens = 16, variant = "wgmma", tile = [64, 128, 64], stages = 4, warps = 4, cluster = [1, 1]>, #kernel.config<max_tokens = 0, variant = "wgmma", tile = [128, 256, 64], stages = 3, warps = 8, cluster = [2, 1]>]
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>) outs(%c : memref<?x128xbf16>) {epilogue = #kernel.epilogue<bias = false>, config = [#kernel.config<max_tokens = 16, variant = "wgmma", tile = [64, 128, 64], stages = 4, warps = 4, cluster = [1, 1]>, #kernel.config<max_tokens = 0, variant = "wgmma", tile = [128, 256, 64], stages = 3, warps = 8, cluster = [2, 1]>]}
  return
}

// A gate/up pair as one GEMM: w's gate rows then its up rows, c the SwiGLU.
// CHECK-LABEL: func.func @swiglu
func.func @swiglu(%a: memref<?x64xbf16>, %w: memref<192x64xbf16>) {
  %c = kernel.buffer tokens(1) : memref<?x96xbf16>
  // CHECK: kernel.gemm ins(%arg0, %arg1 : memref<?x64xbf16>, memref<192x64xbf16>) outs(%{{.*}} : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
  kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<192x64xbf16>) outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
  return
}

// Projections of one input as one GEMM (moe.linear {split}): one out
// buffer per segment of w's rows, the joined bias, the FP8 segments whole
// scale blocks but the last.
// CHECK-LABEL: func.func @split
func.func @split(%a: memref<?x64xbf16>, %w: memref<96x64xbf16>, %b: memref<96xbf16>, %aq: memref<?x128xbf16>, %wq: memref<320x128xf8E4M3FN>, %s: memref<3x1xf32>) {
  %q = kernel.buffer tokens(1) : memref<?x64xbf16>
  %k = kernel.buffer tokens(1) : memref<?x16xbf16>
  %v = kernel.buffer tokens(1) : memref<?x16xbf16>
  // CHECK: kernel.gemm ins(%arg0, %arg1, %arg2 : memref<?x64xbf16>, memref<96x64xbf16>, memref<96xbf16>) outs(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x64xbf16>, memref<?x16xbf16>, memref<?x16xbf16>) {epilogue = #kernel.epilogue<bias = true, split = [64, 16, 16]>}
  kernel.gemm ins(%a, %w, %b : memref<?x64xbf16>, memref<96x64xbf16>, memref<96xbf16>) outs(%q, %k, %v : memref<?x64xbf16>, memref<?x16xbf16>, memref<?x16xbf16>) {epilogue = #kernel.epilogue<bias = true, split = [64, 16, 16]>}
  %qa = kernel.buffer tokens(1) : memref<?x256xbf16>
  %kva = kernel.buffer tokens(1) : memref<?x64xbf16>
  // CHECK: kernel.gemm ins(%arg3, %arg4, %arg5 : memref<?x128xbf16>, memref<320x128xf8E4M3FN>, memref<3x1xf32>) outs(%{{.*}}, %{{.*}} : memref<?x256xbf16>, memref<?x64xbf16>) {epilogue = #kernel.epilogue<split = [256, 64]>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  kernel.gemm ins(%aq, %wq, %s : memref<?x128xbf16>, memref<320x128xf8E4M3FN>, memref<3x1xf32>) outs(%qa, %kva : memref<?x256xbf16>, memref<?x64xbf16>) {epilogue = #kernel.epilogue<split = [256, 64]>, quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
  return
}
