//===- elementwise.cuh - kernel.elementwise ------------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// y = fn(ins...) over `n` elements with a grid-stride loop (coalesced), each
// computed in fp32 from the operands' values and rounded to the result type
// at the reference's rounding points (runtime/cpu/arith.cpp,
// elementwise.cpp, detail.cpp):
//
//   add sub mul div      round_T(a op b)
//   maximum minimum      NaN if either is NaN (arith.maximumf/minimumf)
//   neg, cast            round_T(-a), round_T(a)   (cast: any float input)
//   swiglu               round_T(round_T(g · sigmoid(g)) · u)
//   sigmoid_gate         round_T(x · round_T(sigmoid(logit[row])))
//
// sigmoid(v) = 1 / (1 + exp(-v)) with the accurate expf (not __expf): it
// agrees with the host's std::exp to a few ulps, which the rounding to bf16
// or f16 absorbs and fp32 keeps far inside the golden tolerance.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_ELEMENTWISE_CUH
#define DS_CODEGEN_CUDA_ELEMENTWISE_CUH

#include "codegen/cuda/ds_convert.cuh"

namespace ds {

enum class Fn { Add, Sub, Mul, Div, Maximum, Minimum, Neg, Cast };

template <Fn F> DS_DEVICE float apply(float a, float b) {
  if constexpr (F == Fn::Add)
    return a + b;
  else if constexpr (F == Fn::Sub)
    return a - b;
  else if constexpr (F == Fn::Mul)
    return a * b;
  else if constexpr (F == Fn::Div)
    return a / b;
  else if constexpr (F == Fn::Maximum)
    return (a != a || b != b) ? __int_as_float(0x7fc00000) : fmaxf(a, b);
  else if constexpr (F == Fn::Minimum)
    return (a != a || b != b) ? __int_as_float(0x7fc00000) : fminf(a, b);
  else if constexpr (F == Fn::Neg)
    return -a;
  else
    return a;
}

DS_DEVICE float sigmoid(float v) { return 1.0f / (1.0f + expf(-v)); }

/// The grid-stride index range of the calling thread.
#define DS_GRID_STRIDE(i, n)                                                   \
  for (long i = long(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);          \
       i += long(blockDim.x) * gridDim.x)

/// Binary and unary arith: y[i] = round_T(f(a[i], b[i])); `b` is ignored by
/// Neg and Cast (pass `a`). S is a's type (differs from T only for Cast).
template <Fn F, class T, class S>
DS_DEVICE void arithKernel(gptr<const S> a, gptr<const S> b, gptr<T> y,
                           long n) {
  DS_GRID_STRIDE(i, n) {
    float av = toFloat(S(a[i]));
    float bv = (F == Fn::Neg || F == Fn::Cast) ? 0.0f : toFloat(S(b[i]));
    y[i] = fromFloat<T>(apply<F>(av, bv));
  }
}

/// silu(g) · u with HF's cast order (ds::cpu::detail::swigluValue): silu(g)
/// in fp32 rounded to T, then the product in fp32 (the caller rounds it to
/// T). `g` and `u` are values of T. gemm.cuh's fused SwiGLU epilogue uses it
/// too.
template <class T> DS_DEVICE float swigluValue(float g, float u) {
  float silu = roundTo<T>(g * sigmoid(g));
  return silu * u;
}

/// moe.swiglu: y[i] = silu(gate[i]) · up[i] with HF's cast order.
template <class T>
DS_DEVICE void swigluKernel(gptr<const T> gate, gptr<const T> up, gptr<T> y,
                            long n) {
  DS_GRID_STRIDE(i, n) {
    y[i] = fromFloat<T>(swigluValue<T>(toFloat(T(gate[i])), toFloat(T(up[i]))));
  }
}

/// moe.sigmoid_gate: x [rows, h] · round_T(sigmoid(logit [rows, 1])).
template <class T>
DS_DEVICE void sigmoidGateKernel(gptr<const T> x, gptr<const T> logit,
                                 gptr<T> y, long rows, long h) {
  DS_GRID_STRIDE(i, rows * h) {
    float g = roundTo<T>(sigmoid(toFloat(T(logit[i / h]))));
    y[i] = fromFloat<T>(toFloat(T(x[i])) * g);
  }
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_ELEMENTWISE_CUH
