//===- memory_kernels.cuh - embedding, copy, fill under test -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/memory.cuh"

#define DS_EMBEDDING_ENTRY(name, S, O, I, THREADS)                             \
  extern "C" __global__ void name(                                             \
      ds::gptr<const S> table, ds::gptr<const I> ids, ds::gptr<O> y,           \
      long long tokens, long long vocab, long long h) {                        \
    ds::embeddingKernel<S, O, I, THREADS>(table, ids, y, tokens, vocab, h);    \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_EMBEDDING_ENTRY(embedding_bf16_i32, __nv_bfloat16, __nv_bfloat16, int, 256)
DS_EMBEDDING_ENTRY(embedding_f32_bf16_i64, float, __nv_bfloat16, long long, 128)

#define DS_COPY_ENTRY(name, T, THREADS, RANK)                                  \
  extern "C" __global__ void name(ds::gptr<const T> src, ds::gptr<T> dst,      \
                                  ds::CopyBox box) {                           \
    ds::copyKernel<T, THREADS, RANK>(src, dst, box);                           \
  }                                                                            \
  DS_SIM_EXPORT(name)

// MLA's rank-3 split and concat; any rank up to 8; rank up to 4.
DS_COPY_ENTRY(copy_bf16, __nv_bfloat16, 256, 3)
DS_COPY_ENTRY(copy_f32, float, 128, 8)
DS_COPY_ENTRY(copy_i32, int, 128, 4)

#define DS_FILL_ENTRY(name, T, THREADS)                                        \
  extern "C" __global__ void name(ds::gptr<T> dst, long long n,                \
                                  double value) {                              \
    ds::fillKernel<T, THREADS>(dst, n, value);                                 \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_FILL_ENTRY(fill_bf16, __nv_bfloat16, 256)
DS_FILL_ENTRY(fill_f32, float, 256)
DS_FILL_ENTRY(fill_i32, int, 256)
DS_FILL_ENTRY(fill_i64, long long, 128)
