//===- router_kernels.cuh - kernel.router under test ---------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/router.cuh"

#define DS_ROUTER_ENTRY(name, T, TG, TW, THREADS, MAX_EXPERTS, TB)             \
  extern "C" __global__ void name(                                             \
      ds::gptr<const T> x, ds::gptr<const TG> gate, ds::gptr<const TB> bias,   \
      ds::gptr<TW> weights, ds::gptr<int> indices, int hidden, int experts,    \
      ds::RouterParams params) {                                               \
    ds::routerKernel<T, TG, TW, THREADS, MAX_EXPERTS, TB>(                     \
        x, gate, bias, weights, indices, hidden, experts, params);             \
  }                                                                            \
  DS_SIM_EXPORT(name)

// DeepSeek-V3's shapes: bf16 x and gate, fp32 bias, 256 experts.
DS_ROUTER_ENTRY(router_bf16_256, __nv_bfloat16, __nv_bfloat16, float, 256, 256,
                float)
// fp32 x and gate, bf16 weights, two experts per thread.
DS_ROUTER_ENTRY(router_f32_128x256, float, float, __nv_bfloat16, 128, 256,
                float)
// Small expert counts: bf16 x, fp32 gate, f16 weights and bias.
DS_ROUTER_ENTRY(router_bf16_f32_64, __nv_bfloat16, float, __half, 64, 64,
                __half)
