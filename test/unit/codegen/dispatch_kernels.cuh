//===- dispatch_kernels.cuh - dispatch and combine under test -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/dispatch.cuh"

#define DS_DISPATCH_ENTRY(name, T, THREADS, PAIRS, EXPERTS)                    \
  extern "C" __global__ void name(                                             \
      ds::gptr<const T> x, ds::gptr<const int> indices, ds::gptr<T> rows,      \
      ds::gptr<int> perm, ds::gptr<int> offsets, long long tokens, int topK,   \
      long long h, int experts) {                                              \
    ds::dispatchKernel<T, THREADS, PAIRS, EXPERTS>(                            \
        x, indices, rows, perm, offsets, tokens, topK, h, experts);            \
  }                                                                            \
  DS_SIM_EXPORT(name)

// The realistic instantiation, and small chunks (many CTAs, several rounds
// per CTA, one-warp CTAs) for the sim.
DS_DISPATCH_ENTRY(dispatch_bf16_256, __nv_bfloat16, 256, 256, 256)
DS_DISPATCH_ENTRY(dispatch_bf16_64, __nv_bfloat16, 64, 128, 256)
DS_DISPATCH_ENTRY(dispatch_f32_32, float, 32, 32, 64)

#define DS_COMBINE_ENTRY(name, T, W, THREADS, TOKENS, TOPK)                    \
  extern "C" __global__ void name(ds::gptr<const T> rows,                      \
                                  ds::gptr<const int> perm,                    \
                                  ds::gptr<const W> weights, ds::gptr<T> y,    \
                                  long long tokens, int topK, long long h) {   \
    ds::combineKernel<T, W, THREADS, TOKENS, TOPK>(rows, perm, weights, y,     \
                                                   tokens, topK, h);           \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_COMBINE_ENTRY(combine_bf16_f32_256, __nv_bfloat16, float, 256, 16, 8)
DS_COMBINE_ENTRY(combine_bf16_bf16_64, __nv_bfloat16, __nv_bfloat16, 64, 4, 8)
DS_COMBINE_ENTRY(combine_f32_f32_32, float, float, 32, 3, 8)
