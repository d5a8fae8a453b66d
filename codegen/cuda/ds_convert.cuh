//===- ds_convert.cuh - element conversions ------------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// toFloat / fromFloat for the element types kernels compute in (f32, bf16,
// f16): every kernel computes in fp32 and rounds to the result type (round to
// nearest even) at the reference's rounding points (runtime/cpu). One source
// for NVRTC and the sim.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DS_CONVERT_CUH
#define DS_CODEGEN_CUDA_DS_CONVERT_CUH

#include "ds/sim/cuda_sim.h"

#if defined(__CUDACC__)
#define DS_DEVICE __device__ __forceinline__
#else
#define DS_DEVICE inline
#endif

namespace ds {

DS_DEVICE float toFloat(float v) { return v; }
DS_DEVICE float toFloat(__nv_bfloat16 v) { return __bfloat162float(v); }
DS_DEVICE float toFloat(__half v) { return __half2float(v); }

template <class T> struct FromFloat;
template <> struct FromFloat<float> {
  static DS_DEVICE float of(float v) { return v; }
};
template <> struct FromFloat<__nv_bfloat16> {
  static DS_DEVICE __nv_bfloat16 of(float v) { return __float2bfloat16_rn(v); }
};
template <> struct FromFloat<__half> {
  static DS_DEVICE __half of(float v) { return __float2half_rn(v); }
};

/// `v` rounded to T (round to nearest even).
template <class T> DS_DEVICE T fromFloat(float v) {
  return FromFloat<T>::of(v);
}

/// a · b and a + b rounded once each: never contracted into an FMA (the
/// reference's order of roundings, where a kernel must reproduce it).
#if defined(__CUDACC__)
DS_DEVICE float mulRn(float a, float b) { return __fmul_rn(a, b); }
DS_DEVICE float addRn(float a, float b) { return __fadd_rn(a, b); }
#else
// Not inlined, so the host compiler cannot contract the product into an add
// where the target has fma.
__attribute__((noinline)) inline float mulRn(float a, float b) { return a * b; }
inline float addRn(float a, float b) { return a + b; }
#endif

/// std::is_same for device code (NVRTC has no <type_traits>).
template <class A, class B> struct IsSame {
  static constexpr bool value = false;
};
template <class A> struct IsSame<A, A> { static constexpr bool value = true; };

/// `v` rounded to T and back: the value a tensor of T holds.
template <class T> DS_DEVICE float roundTo(float v) {
  return toFloat(fromFloat<T>(v));
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_DS_CONVERT_CUH
