//===- elementwise_kernels.cuh - kernel.elementwise under test -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/elementwise.cuh"

#define DS_ARITH_ENTRY(name, F, T, S)                                          \
  extern "C" __global__ void name(ds::gptr<const S> a, ds::gptr<const S> b,    \
                                  ds::gptr<T> y, long n) {                     \
    ds::arithKernel<ds::Fn::F, T, S>(a, b, y, n);                              \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_ARITH_ENTRY(add_bf16, Add, __nv_bfloat16, __nv_bfloat16)
DS_ARITH_ENTRY(div_f32, Div, float, float)
DS_ARITH_ENTRY(maximum_f32, Maximum, float, float)
DS_ARITH_ENTRY(minimum_bf16, Minimum, __nv_bfloat16, __nv_bfloat16)
DS_ARITH_ENTRY(neg_f16, Neg, __half, __half)
DS_ARITH_ENTRY(cast_bf16_f32, Cast, float, __nv_bfloat16)

#define DS_SWIGLU_ENTRY(name, T)                                               \
  extern "C" __global__ void name(                                             \
      ds::gptr<const T> gate, ds::gptr<const T> up, ds::gptr<T> y, long n) {   \
    ds::swigluKernel<T>(gate, up, y, n);                                       \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_SWIGLU_ENTRY(swiglu_bf16, __nv_bfloat16)
DS_SWIGLU_ENTRY(swiglu_f32, float)

extern "C" __global__ void sigmoid_gate_bf16(ds::gptr<const __nv_bfloat16> x,
                                             ds::gptr<const __nv_bfloat16> l,
                                             ds::gptr<__nv_bfloat16> y,
                                             long rows, long h) {
  ds::sigmoidGateKernel<__nv_bfloat16>(x, l, y, rows, h);
}
DS_SIM_EXPORT(sigmoid_gate_bf16)
