//===- norm_kernels.cuh - kernel.norm under test -------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/norm.cuh"

#define DS_NORM_ENTRY(name, T, W, THREADS)                                     \
  extern "C" __global__ void name(ds::gptr<const T> x,                         \
                                  ds::gptr<const T> residual,                  \
                                  ds::gptr<const W> weight, ds::gptr<T> y,     \
                                  ds::gptr<T> sum, int d, float eps) {         \
    ds::normKernel<T, W, THREADS>(x, residual, weight, y, sum, d, eps);        \
  }                                                                            \
  DS_SIM_EXPORT(name)

DS_NORM_ENTRY(norm_f32_256, float, float, 256)
DS_NORM_ENTRY(norm_bf16_256, __nv_bfloat16, __nv_bfloat16, 256)
DS_NORM_ENTRY(norm_f16_64, __half, __half, 64)
