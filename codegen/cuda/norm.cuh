//===- norm.cuh - kernel.norm: rms_norm and add_rms_norm -----*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One CTA per row of `d` elements. Each thread walks the row with a stride
// of the block (coalesced), the sum of squares is reduced in fp32 with warp
// shuffles and one shared-memory pass over the warps, and the row is written
// with the reference's rounding points (runtime/cpu/norm.cpp):
//
//   sum    = round_T(x + residual)                  (add_rms_norm only)
//   inv    = 1 / sqrt(Σ v² / d + eps)               (fp32; not rsqrtf)
//   y      = round_T(w · round_T(v · inv))          (v = x, or sum)
//
// Only the order of the fp32 sum of squares differs from the reference's
// (a tree instead of left to right): the results agree within the goldens'
// tolerances, not bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_NORM_CUH
#define DS_CODEGEN_CUDA_NORM_CUH

#include "codegen/cuda/ds_convert.cuh"

namespace ds {

/// The sum of `v` over the block (every thread gets it). kThreads is the
/// block size, a multiple of 32 up to 1024; `scratch` holds 32 floats.
template <int kThreads> DS_DEVICE float blockSum(float v, sptr<float> scratch) {
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps");
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  constexpr int kWarps = kThreads / 32;
  unsigned warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0)
    scratch[warp] = v;
  __syncthreads();
  float total = lane < kWarps ? float(scratch[lane]) : 0.0f;
  for (int offset = 16; offset > 0; offset /= 2)
    total += __shfl_xor_sync(0xffffffffu, total, offset);
  __syncthreads(); // scratch is reused by the next call
  return total;
}

/// One row of kernel.norm: y[i] = w[i] · v[i] / rms(v) with v = x (no
/// residual) or v = sum = x + residual (written to `sum`).
template <class T, class W, int kThreads>
DS_DEVICE void normRow(gptr<const T> x, gptr<const T> residual,
                       gptr<const W> weight, gptr<T> y, gptr<T> sum, int d,
                       float eps, sptr<float> scratch) {
  float squares = 0.0f;
  for (int i = threadIdx.x; i < d; i += kThreads) {
    float v = toFloat(T(x[i]));
    if (residual) {
      T s = fromFloat<T>(v + toFloat(T(residual[i])));
      sum[i] = s;
      v = toFloat(s);
    }
    squares += v * v;
  }
  float total = blockSum<kThreads>(squares, scratch);
  float inv = 1.0f / sqrtf(total / float(d) + eps);
  for (int i = threadIdx.x; i < d; i += kThreads) {
    // The same thread wrote sum[i] above. Reading it back (not x + residual
    // again) keeps the in-place form right: sum may share residual's slot.
    float v = residual ? toFloat(T(sum[i])) : toFloat(T(x[i]));
    float normed = roundTo<T>(v * inv);
    y[i] = fromFloat<T>(toFloat(W(weight[i])) * normed);
  }
}

/// kernel.norm over `rows` rows (grid.x = rows, block = kThreads).
template <class T, class W, int kThreads>
DS_DEVICE void normKernel(gptr<const T> x, gptr<const T> residual,
                          gptr<const W> weight, gptr<T> y, gptr<T> sum, int d,
                          float eps) {
  DS_SHARED(float, scratch, 32);
  long row = blockIdx.x;
  long base = row * long(d);
  normRow<T, W, kThreads>(x + base, residual ? residual + base : residual,
                          weight, y + base, sum ? sum + base : sum, d, eps,
                          scratch);
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_NORM_CUH
