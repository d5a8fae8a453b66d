//===- router_kernels.cuh - kernel.router under test ---------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/router.cuh"

using bf16 = __nv_bfloat16;

#define DS_ROUTER_ENTRY(name, T, TG, TW, THREADS, MAX_EXPERTS, TB, TOKENS)     \
  extern "C" __global__ void name(                                             \
      ds::gptr<const T> x, ds::gptr<const TG> gate, ds::gptr<const TB> bias,   \
      ds::gptr<TW> weights, ds::gptr<int> indices, int tokens, int hidden,     \
      int experts, ds::RouterParams params) {                                  \
    ds::routerKernel<T, TG, TW, THREADS, MAX_EXPERTS, TB, TOKENS>(             \
        x, gate, bias, weights, indices, tokens, hidden, experts, params);     \
  }                                                                            \
  DS_SIM_EXPORT(name)

// DeepSeek-V3's shapes: bf16 x and gate, fp32 bias, 256 experts; one token
// and four tokens per CTA.
DS_ROUTER_ENTRY(router_bf16_256, bf16, bf16, float, 256, 256, float, 1)
DS_ROUTER_ENTRY(router_bf16_256_t4, bf16, bf16, bf16, 256, 256, float, 4)
// fp32 x and gate, bf16 weights, two experts per thread.
DS_ROUTER_ENTRY(router_f32_128x256, float, float, bf16, 128, 256, float, 1)
// fp32 x with a bf16 gate (two x vectors per gate vector), two tokens.
DS_ROUTER_ENTRY(router_f32_bf16_128_t2, float, bf16, float, 128, 128, float, 2)
// bf16 x with an fp32 gate (half an x vector per gate vector), f16 weights
// and bias, two tokens.
DS_ROUTER_ENTRY(router_bf16_f32_64_t2, bf16, float, __half, 64, 64, __half, 2)
