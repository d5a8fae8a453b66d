//===- gemm_kernels.cuh - gemm and grouped_gemm under test -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a). The
// tiles are the code generator's: 128×128×32, 3 stages, 8 warps (2 × 4) and
// 64×64×32, 3 stages, 4 warps (2 × 2), on tensor cores for bf16/f16 and on
// FFMA for f32 activations. The swiglu_* entries are the same
// configurations with the fused SwiGLU epilogue (kSwiGLU), the split*_*
// entries with the split epilogue (gemmSplitKernel).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/gemm.cuh"

#define DS_GEMM_ENTRY_KS(name, TA, TW, TC, TS, TB, Q, BM, BN, BK, ST, WM, WN,  \
                         SW)                                                   \
  extern "C" __global__ void __launch_bounds__(WM *WN * 32)                    \
      name(ds::gptr<const TA> a, ds::gptr<const TW> w,                         \
           ds::gptr<const TS> scales, ds::gptr<const TB> bias, ds::gptr<TC> c, \
           long M, int N, int K, int qbr, int qbc) {                           \
    ds::gemmKernel<TA, TW, TC, TS, TB, ds::GemmQuant::Q, BM, BN, BK, ST, WM,   \
                   WN, SW>(a, w, scales, bias, c, M, N, K, qbr, qbc);          \
  }                                                                            \
  DS_SIM_EXPORT(name)
#define DS_GEMM_ENTRY_K(name, TA, TW, TC, TS, TB, Q, BM, BN, BK, ST, WM, WN)   \
  DS_GEMM_ENTRY_KS(name, TA, TW, TC, TS, TB, Q, BM, BN, BK, ST, WM, WN, false)
#define DS_GEMM_ENTRY(name, TA, TW, TC, TS, TB, Q, BM, BN, WM, WN)             \
  DS_GEMM_ENTRY_K(name, TA, TW, TC, TS, TB, Q, BM, BN, 32, 3, WM, WN)
#define DS_SWIGLU_ENTRY(name, TA, TW, TC, TS, TB, Q, BM, BN, WM, WN)           \
  DS_GEMM_ENTRY_KS(name, TA, TW, TC, TS, TB, Q, BM, BN, 32, 3, WM, WN, true)

#define DS_GROUPED_ENTRY_S(name, TA, TW, TC, TS, Q, BM, BN, WM, WN, SW)        \
  extern "C" __global__ void __launch_bounds__(WM *WN * 32)                    \
      name(ds::gptr<const TA> rows, ds::gptr<const TW> w,                      \
           ds::gptr<const int> offsets, ds::gptr<const TS> scales,             \
           ds::gptr<TC> c, long R, int E, int N, int K, int qbr, int qbc) {    \
    ds::groupedGemmKernel<TA, TW, TC, TS, ds::GemmQuant::Q, BM, BN, 32, 3, WM, \
                          WN, SW>(rows, w, offsets, scales, c, R, E, N, K,     \
                                  qbr, qbc);                                   \
  }                                                                            \
  DS_SIM_EXPORT(name)
#define DS_GROUPED_ENTRY(name, TA, TW, TC, TS, Q, BM, BN, WM, WN)              \
  DS_GROUPED_ENTRY_S(name, TA, TW, TC, TS, Q, BM, BN, WM, WN, false)
#define DS_GROUPED_SWIGLU_ENTRY(name, TA, TW, TC, TS, Q, BM, BN, WM, WN)       \
  DS_GROUPED_ENTRY_S(name, TA, TW, TC, TS, Q, BM, BN, WM, WN, true)

// The split epilogue (moe.linear {split}): the segments' columns of a·wᵀ
// (+ bias) go to c0 .. c(S-1).
#define DS_SPLIT_ENTRY_K(name, TA, TW, TC, TS, TB, Q, BM, BN, BK, ST, WM, WN,  \
                         S)                                                    \
  extern "C" __global__ void __launch_bounds__(WM *WN * 32)                    \
      name(ds::gptr<const TA> a, ds::gptr<const TW> w,                         \
           ds::gptr<const TS> scales, ds::gptr<const TB> bias,                 \
           ds::gptr<TC> c0, ds::gptr<TC> c1, ds::gptr<TC> c2, ds::gptr<TC> c3, \
           long M, int N, int K, int n0, int n1, int n2, int qbr, int qbc) {   \
    ds::gemmSplitKernel<TA, TW, TC, TS, TB, ds::GemmQuant::Q, BM, BN, BK, ST,  \
                        WM, WN, S>(a, w, scales, bias, c0, c1, c2, c3, M, N,   \
                                   K, n0, n1, n2, qbr, qbc);                   \
  }                                                                            \
  DS_SIM_EXPORT(name)
#define DS_SPLIT_ENTRY(name, TA, TW, TC, TS, TB, Q, BM, BN, WM, WN, S)         \
  DS_SPLIT_ENTRY_K(name, TA, TW, TC, TS, TB, Q, BM, BN, 32, 3, WM, WN, S)

using bf16 = __nv_bfloat16;
using f16 = __half;
using u8 = unsigned char;
using i8 = signed char;

// clang-format off
DS_GEMM_ENTRY(gemm_bf16_128, bf16, bf16, bf16, float, bf16, None, 128, 128, 2, 4)
DS_GEMM_ENTRY(gemm_f16_64, f16, f16, f16, float, float, None, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_f32_64, float, float, float, float, float, None, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_bf16_f32w_64, bf16, float, bf16, float, float, None, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_f32_bf16w_64, float, bf16, float, float, float, None, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_bf16_fp8_128, bf16, u8, bf16, float, bf16, Fp8E4M3, 128, 128, 2, 4)
DS_GEMM_ENTRY(gemm_bf16_int8_64, bf16, i8, bf16, bf16, float, Int8, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_f16_int4_64, f16, u8, f16, float, f16, Int4, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_bf16_int4_128, bf16, u8, bf16, float, bf16, Int4, 128, 128, 2, 4)
DS_GEMM_ENTRY(gemm_f32_fp8_64, float, u8, float, float, float, Fp8E4M3, 64, 64, 2, 2)
DS_GEMM_ENTRY(gemm_f32_int4_64, float, u8, float, float, float, Int4, 64, 64, 2, 2)
// 128x128x16, 2 stages of fp32: the C tile (64 KiB) does not fit the
// pipeline's 32 KiB, so the epilogue stores from the registers.
DS_GEMM_ENTRY_K(gemm_f32_128_k16, float, float, float, float, float, None, 128, 128, 16, 2, 2, 4)
DS_GROUPED_ENTRY(grouped_bf16_128, bf16, bf16, bf16, float, None, 128, 128, 2, 4)
DS_GROUPED_ENTRY(grouped_f16_64, f16, f16, f16, float, None, 64, 64, 2, 2)
DS_GROUPED_ENTRY(grouped_f32_64, float, float, float, float, None, 64, 64, 2, 2)
DS_GROUPED_ENTRY(grouped_bf16_fp8_128, bf16, u8, bf16, float, Fp8E4M3, 128, 128, 2, 4)
DS_GROUPED_ENTRY(grouped_bf16_int4_64, bf16, u8, bf16, float, Int4, 64, 64, 2, 2)
DS_GROUPED_ENTRY(grouped_f32_int8_64, float, i8, float, float, Int8, 64, 64, 2, 2)
// The fused SwiGLU epilogue: c[M, N / 2] = swiglu(gate, up) of w = [gate; up].
DS_SWIGLU_ENTRY(swiglu_bf16_128, bf16, bf16, bf16, float, bf16, None, 128, 128, 2, 4)
DS_SWIGLU_ENTRY(swiglu_f16_64, f16, f16, f16, float, float, None, 64, 64, 2, 2)
DS_SWIGLU_ENTRY(swiglu_f32_64, float, float, float, float, float, None, 64, 64, 2, 2)
DS_SWIGLU_ENTRY(swiglu_bf16_fp8_128, bf16, u8, bf16, float, bf16, Fp8E4M3, 128, 128, 2, 4)
DS_SWIGLU_ENTRY(swiglu_f32_fp8_64, float, u8, float, float, float, Fp8E4M3, 64, 64, 2, 2)
DS_SWIGLU_ENTRY(swiglu_bf16_int8_64, bf16, i8, bf16, bf16, float, Int8, 64, 64, 2, 2)
DS_SWIGLU_ENTRY(swiglu_f16_int4_64, f16, u8, f16, float, f16, Int4, 64, 64, 2, 2)
// The C tile (128 × 64 fp32 + padding) does not fit 2 stages of 128x128x16:
// the register epilogue.
DS_GEMM_ENTRY_KS(swiglu_f32_128_k16, float, float, float, float, float, None, 128, 128, 16, 2, 2, 4, true)
DS_GROUPED_SWIGLU_ENTRY(grouped_swiglu_bf16_128, bf16, bf16, bf16, float, None, 128, 128, 2, 4)
DS_GROUPED_SWIGLU_ENTRY(grouped_swiglu_f32_64, float, float, float, float, None, 64, 64, 2, 2)
DS_GROUPED_SWIGLU_ENTRY(grouped_swiglu_bf16_fp8_128, bf16, u8, bf16, float, Fp8E4M3, 128, 128, 2, 4)
DS_GROUPED_SWIGLU_ENTRY(grouped_swiglu_f32_int8_64, float, i8, float, float, Int8, 64, 64, 2, 2)
// The split epilogue next to the plain entries of the same configuration.
DS_SPLIT_ENTRY(split3_bf16_128, bf16, bf16, bf16, float, bf16, None, 128, 128, 2, 4, 3)
DS_SPLIT_ENTRY(split2_bf16_fp8_128, bf16, u8, bf16, float, bf16, Fp8E4M3, 128, 128, 2, 4, 2)
DS_SPLIT_ENTRY(split4_f32_64, float, float, float, float, float, None, 64, 64, 2, 2, 4)
// DeepSeek-V3's q_a/kv_a config for 17 to 64 tokens (64x128x32, 4 stages,
// 2 x 2 warps): unrolled, its segment selects made ptxas spill.
DS_SPLIT_ENTRY_K(split2_bf16_fp8_64x128, bf16, u8, bf16, float, bf16, Fp8E4M3, 64, 128, 32, 4, 2, 2, 2)
DS_SPLIT_ENTRY_K(split3_f32_128_k16, float, float, float, float, float, None, 128, 128, 16, 2, 2, 4, 3)
// clang-format on
