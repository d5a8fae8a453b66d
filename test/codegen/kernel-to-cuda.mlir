// ds-translate --kernel-to-cuda: the CUDA C++ entry of every distinct kernel
// of a module (codegen/KernelToCuda), one per launch variant, deduplicated
// by content. Each entry takes one ds::KernelArgs, reads its buffers with
// ds::buffer (operands const, then results) and T with ds::tokens, and calls
// one device-library template with the tile constants and static sizes.
// RUN: ds-opt %s --kernel-select-configs --kernel-plan-buffers | ds-translate --kernel-to-cuda | FileCheck %s
// RUN: ds-opt %s --kernel-select-configs --kernel-plan-buffers | ds-translate --kernel-to-cuda --self-contained | FileCheck %s --check-prefix=SELF

module attributes {kernel.target = "sm_90a", moe.max_tokens = 256 : i64} {
  moe.parameter @norm_w : tensor<64xbf16> {key = "norm.weight"}
  func.func @forward(%x: memref<?x64xbf16> {moe.name = "x"},
                     %r: memref<?x64xbf16> {moe.name = "r"},
                     %q: memref<?x4x16xbf16> {moe.name = "q"},
                     %k: memref<?x2x16xbf16> {moe.name = "k"},
                     %v: memref<?x2x16xbf16> {moe.name = "v"},
                     %qm: memref<?x4x24xf32> {moe.name = "qm"},
                     %km: memref<?x4x16xf32> {moe.name = "km"},
                     %vm: memref<?x4x8xf32> {moe.name = "vm"},
                     %kpe: memref<?x8xf32> {moe.name = "kpe"})
      -> (memref<?x64xbf16> {moe.name = "y"}, memref<?x64xf32> {moe.name = "s"},
          memref<?x4x16xbf16> {moe.name = "o"}, memref<?x4x8xf32> {moe.name = "om"}) {
    %w = kernel.weight @norm_w : memref<64xbf16>
    %y = kernel.buffer tokens(1) : memref<?x64xbf16>
    %sum = kernel.buffer tokens(1) : memref<?x64xbf16>
    kernel.norm ins(%x, %r, %w : memref<?x64xbf16>, memref<?x64xbf16>, memref<64xbf16>) outs(%y, %sum : memref<?x64xbf16>, memref<?x64xbf16>) {eps = 1.0e-6 : f64}
    %z = kernel.buffer tokens(1) : memref<?x64xbf16>
    kernel.elementwise swiglu ins(%y, %sum : memref<?x64xbf16>, memref<?x64xbf16>) outs(%z : memref<?x64xbf16>)
    %s = kernel.buffer tokens(1) : memref<?x64xf32>
    kernel.elementwise cast ins(%z : memref<?x64xbf16>) outs(%s : memref<?x64xf32>)
    %o = kernel.buffer tokens(1) : memref<?x4x16xbf16>
    kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>) outs(%o : memref<?x4x16xbf16>) {block_sparse, scale = 0.25 : f64, window = #moe.window<sliding 8>}
    %om = kernel.buffer tokens(1) : memref<?x4x8xf32>
    kernel.attention ins(%qm, %km, %vm, %kpe : memref<?x4x24xf32>, memref<?x4x16xf32>, memref<?x4x8xf32>, memref<?x8xf32>) outs(%om : memref<?x4x8xf32>) {scale = 0.125 : f64, window = #moe.window<global>}
    return %z, %s, %o, %om : memref<?x64xbf16>, memref<?x64xf32>, memref<?x4x16xbf16>, memref<?x4x8xf32>
  }
}

// The norm: one CTA per row, the same kernel for every bucket.
// CHECK-LABEL: // ===== kernel ds_norm_bf16_{{[0-9a-f]+}}: block (32, 1, 1), grid (1*T, 1, 1)
// CHECK-NEXT: // used by @forward #0 (T <= 1), @forward #0 (T <= 16), {{.*}}, @forward #0{{$}}
// CHECK: #include "codegen/cuda/ds_kernel.cuh"
// CHECK-NEXT: #include "codegen/cuda/norm.cuh"
// CHECK-NEXT: extern "C" __global__ __launch_bounds__(32) void [[NORM:ds_norm_bf16_[0-9a-f]+]](ds::KernelArgs [[ARGS:v[0-9]+]]) {
// CHECK-NEXT:   ds::gptr<const __nv_bfloat16> [[X:v[0-9]+]] = ds::buffer<const __nv_bfloat16>([[ARGS]], 0);
// CHECK-NEXT:   ds::gptr<const __nv_bfloat16> [[R:v[0-9]+]] = ds::buffer<const __nv_bfloat16>([[ARGS]], 1);
// CHECK-NEXT:   ds::gptr<const __nv_bfloat16> [[W:v[0-9]+]] = ds::buffer<const __nv_bfloat16>([[ARGS]], 2);
// CHECK-NEXT:   ds::gptr<__nv_bfloat16> [[Y:v[0-9]+]] = ds::buffer<__nv_bfloat16>([[ARGS]], 3);
// CHECK-NEXT:   ds::gptr<__nv_bfloat16> [[S:v[0-9]+]] = ds::buffer<__nv_bfloat16>([[ARGS]], 4);
// CHECK-NEXT:   ds::normKernel<__nv_bfloat16, __nv_bfloat16, 32>([[X]], [[R]], [[W]], [[Y]], [[S]], 64, 9.999999970e-07f);
// CHECK: DS_SIM_EXPORT([[NORM]])

// Elementwise kernels: grid-stride over 64·T elements, 4 per thread and pass.
// CHECK-LABEL: // ===== kernel ds_swiglu_bf16_{{[0-9a-f]+}}: block (32, 1, 1), grid (ceil((64*T) / 128), 1, 1)
// CHECK: ds::tokens(
// CHECK: ds::swigluKernel<__nv_bfloat16>(
// CHECK-LABEL: // ===== kernel ds_elementwise_f32_{{[0-9a-f]+}}
// CHECK: ds::arithKernel<ds::Fn::Cast, float, __nv_bfloat16>(

// Attention on tensor cores (bf16, head dims of whole mma tiles): 4 warps
// of 16 queries; the sliding window.
// CHECK-LABEL: // ===== kernel ds_attention_bf16_{{[0-9a-f]+}}: block (128, 1, 1), grid (ceil((1*T) / 64), 4, 1)
// CHECK-NEXT: // used by @forward #3 (T <= 1), @forward #3 (T <= 16), {{.*}}, @forward #3{{$}}
// block_sparse is the template's kBlockSparse; the tile counter is the sim's
// statistics slot after the launch's 4 buffers (null under CUDA).
// CHECK: ds::gptr<unsigned> [[COUNT:v[0-9]+]] = ds::simCounter({{v[0-9]+}}, 4);
// CHECK-NEXT: ds::attentionKernel<__nv_bfloat16, 64, 64, 4, 16, 16, true>({{.*}}, nullptr, {{.*}}, 4, 2, 16, 0, 2.500000000e-01f, 1, 8, 0, [[COUNT]]);
// MLA in f32: the FFMA path, the shared key, dk 16 + dr 8.
// CHECK-LABEL: // ===== kernel ds_attention_f32_{{[0-9a-f]+}}: block (128, 1, 1), grid (ceil((1*T) / 16), 4, 1)
// CHECK: [[COUNT2:v[0-9]+]] = ds::simCounter({{v[0-9]+}}, 5);
// CHECK-NEXT: ds::attentionKernel<float, 16, 32, 4, 24, 8, false>({{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, {{.*}}, 4, 4, 16, 8, 1.250000000e-01f, 0, 0, 0, [[COUNT2]]);

// --self-contained inlines the device library once per kernel, with the
// sim's execution model left to the sim's compile.
// SELF-LABEL: // ===== kernel ds_norm_bf16_
// SELF: // ---- codegen/cuda/ds_kernel.cuh
// SELF: #if defined(__CUDACC__)
// SELF-NEXT: // ---- ds/sim/cuda_device.h
// SELF: // ---- end of ds/sim/cuda_device.h
// SELF-NEXT: #else
// SELF-NEXT: #include "ds/sim/cuda_sim.h"
// SELF-NEXT: #endif
// SELF: // ---- codegen/cuda/norm.cuh
// SELF-NOT: #include "codegen/
// SELF: extern "C" __global__
