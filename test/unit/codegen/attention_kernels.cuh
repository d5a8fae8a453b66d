//===- attention_kernels.cuh - kernel.attention under test ---*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a): the
// realistic tile shapes (bf16 / f16 head dims 128, MLA 192 / 128) and the
// golden models' tiny head dims (16, 32 / 24 MLA), on both paths, with the
// block-sparse tile schedule; the DS_ATTENTION_DENSE_ENTRY ones visit every
// causal tile (kBlockSparse false).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/attention.cuh"

#define DS_ATTENTION_KERNEL(name, T, BQ, BKV, WARPS, DQ, DV, SPARSE)           \
  extern "C" __global__ void name(                                             \
      ds::gptr<const T> q, ds::gptr<const T> k, ds::gptr<const T> v,           \
      ds::gptr<const T> sharedKey, ds::gptr<T> o, int tokens, int keys,        \
      int heads, int kvHeads, int dk, int dr, float scale, int windowKind,     \
      int windowSize, int windowSinks, ds::gptr<unsigned> visitedTiles) {      \
    ds::attentionKernel<T, BQ, BKV, WARPS, DQ, DV, SPARSE>(                    \
        q, k, v, sharedKey, o, tokens, keys, heads, kvHeads, dk, dr, scale,    \
        windowKind, windowSize, windowSinks, visitedTiles);                    \
  }                                                                            \
  DS_SIM_EXPORT(name)
#define DS_ATTENTION_ENTRY(name, T, BQ, BKV, WARPS, DQ, DV)                    \
  DS_ATTENTION_KERNEL(name, T, BQ, BKV, WARPS, DQ, DV, true)
#define DS_ATTENTION_DENSE_ENTRY(name, T, BQ, BKV, WARPS, DQ, DV)              \
  DS_ATTENTION_KERNEL(name, T, BQ, BKV, WARPS, DQ, DV, false)

// One line per entry (the NVRTC test compiles each entry's line alone).
// Tensor cores.
DS_ATTENTION_ENTRY(attention_bf16_d128, nv_bfloat16, 64, 32, 4, 128, 128)
DS_ATTENTION_ENTRY(attention_bf16_q128, nv_bfloat16, 128, 32, 8, 128, 128)
DS_ATTENTION_ENTRY(attention_f16_d128, half, 64, 32, 4, 128, 128)
DS_ATTENTION_ENTRY(attention_bf16_mla192, nv_bfloat16, 64, 32, 4, 192, 128)
DS_ATTENTION_ENTRY(attention_bf16_d64_kv64, nv_bfloat16, 64, 64, 4, 64, 64)
DS_ATTENTION_ENTRY(attention_bf16_d48_dv32, nv_bfloat16, 64, 32, 4, 48, 32)
DS_ATTENTION_ENTRY(attention_bf16_d16, nv_bfloat16, 64, 32, 4, 16, 16)
DS_ATTENTION_ENTRY(attention_f16_d32, half, 32, 32, 2, 32, 32)
DS_ATTENTION_ENTRY(attention_bf16_d32_dv24, nv_bfloat16, 64, 32, 4, 32, 24)
// FFMA: fp32, and bf16 head dims the tensor-core path does not take.
DS_ATTENTION_ENTRY(attention_f32_d64, float, 16, 32, 4, 64, 64)
DS_ATTENTION_ENTRY(attention_f32_d128, float, 16, 16, 4, 128, 128)
DS_ATTENTION_ENTRY(attention_f32_d16, float, 16, 32, 4, 16, 16)
DS_ATTENTION_ENTRY(attention_f32_d32_dv24, float, 16, 32, 4, 32, 24)
DS_ATTENTION_ENTRY(attention_bf16_d24_dv20, nv_bfloat16, 16, 32, 4, 24, 20)
// The dense schedule: every causal tile.
DS_ATTENTION_DENSE_ENTRY(attention_bf16_d16_dense, nv_bfloat16, 64, 32, 4, 16,
                         16)
DS_ATTENTION_DENSE_ENTRY(attention_f32_d16_dense, float, 16, 32, 4, 16, 16)
