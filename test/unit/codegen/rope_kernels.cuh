//===- rope_kernels.cuh - kernel.rope under test -------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a). The
// inverse-frequency table is a kernel parameter here; generated code passes
// its `__device__ const float` table (rope_table_bf16 shows that form).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/rope.cuh"

#define DS_ROPE_ENTRY(name, T, TPos, INTERLEAVED, THREADS)                     \
  extern "C" __global__ void name(                                             \
      ds::gptr<const T> x, ds::gptr<const TPos> positions, ds::gptr<T> y,      \
      const float *invFreq, float attentionFactor, int heads, int d) {         \
    ds::ropeKernel<T, TPos, INTERLEAVED, THREADS>(x, positions, y, invFreq,    \
                                                  attentionFactor, heads, d);  \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_ROPE_ENTRY(rope_half_bf16_i64, __nv_bfloat16, long long, false, 128)
DS_ROPE_ENTRY(rope_inter_bf16_i64, __nv_bfloat16, long long, true, 128)
DS_ROPE_ENTRY(rope_half_f16_i32, __half, int, false, 128)
DS_ROPE_ENTRY(rope_inter_f16_i32, __half, int, true, 128)
DS_ROPE_ENTRY(rope_half_f32_i32, float, int, false, 128)
DS_ROPE_ENTRY(rope_inter_f32_i64, float, long long, true, 128)

// The generated-code form: the d/2 = 32 inverse frequencies of theta 10000
// (ds::cpu::ropeInvFreq(64, 10000, {}), exact hex literals; the test checks
// them) as a table in the source, d = 64 and heads = 16 folded in.
__device__ const float ds_rope_inv_freq_test[32] = {
    0x1p+0f,         0x1.7ff222p-1f,  0x1.1feb34p-1f,  0x1.afd136p-2f,
    0x1.43d136p-2f,  0x1.e5a846p-3f,  0x1.6c310ep-3f,  0x1.111aeep-3f,
    0x1.99999ap-4f,  0x1.33281ap-4f,  0x1.ccab84p-5f,  0x1.59742ap-5f,
    0x1.030dc6p-5f,  0x1.84869ep-6f,  0x1.235a72p-6f,  0x1.b4f7e4p-7f,
    0x1.47ae14p-7f,  0x1.eb736p-8f,   0x1.708938p-8f,  0x1.145ceep-8f,
    0x1.9e7c7p-9f,   0x1.36d21ap-9f,  0x1.d22a5p-10f,  0x1.5d931cp-10f,
    0x1.0624dep-10f, 0x1.892918p-11f, 0x1.26d42cp-11f, 0x1.ba2e4ap-12f,
    0x1.4b96cp-12f,  0x1.f1502ap-13f, 0x1.74eea6p-13f, 0x1.17a8e4p-13f};
extern "C" __global__ void rope_table_bf16(ds::gptr<const __nv_bfloat16> x,
                                           ds::gptr<const long long> positions,
                                           ds::gptr<__nv_bfloat16> y) {
  ds::ropeKernel<__nv_bfloat16, long long, false, 128>(
      x, positions, y, ds_rope_inv_freq_test, 1.0f, 16, 64);
}
DS_SIM_EXPORT(rope_table_bf16)
