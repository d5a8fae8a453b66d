//===- rope.cuh - kernel.rope: rotary position embedding -----*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// ropeKernel<T, TPos, kInterleaved, kThreads>(x, positions, y, invFreq,
//                                             attentionFactor, heads, d)
//
// x, y [T, heads, d] of T (f32, bf16, f16; y may alias x), positions [T] of
// TPos (int32_t or int64_t). Each (head, i) pair, i < d/2, is rotated by the
// angle positions[t] · invFreq[i]:
//
//   HalfSplit   (kInterleaved = false): the pair (i, i + d/2)
//   Interleaved (kInterleaved = true):  the pair (2i, 2i + 1)
//
// invFreq is the d/2-entry table the code generator computes once with
// ds::cpu::ropeInvFreq (the one definition, YaRN included) and emits as a
// `__device__ const float` (or `__constant__`) array; attentionFactor is
// ds::cpu::ropeAttentionFactor. Nothing of the frequencies is computed here.
//
// Launch: grid = (T), one CTA per token; block = (kThreads), a multiple of
// 32. Shared memory: 2 · kTable floats (2 KiB), the token's cos/sin table,
// built kTable pairs at a time (one chunk when d/2 <= kTable).
//
// Rounding points, as runtime/cpu/rope.cpp (HF's apply_rotary_pos_emb in
// x's dtype):
//
//   angle = (float)position · invFreq[i]                  (fp32)
//   c = round_T(cos(angle) · attentionFactor), s likewise (fp32 cos/sin)
//   y_a = round_T(round_T(a·c) + round_T(-b·s))
//   y_b = round_T(round_T(b·c) + round_T(a·s))
//
// Products and sums use __fmul_rn / __fadd_rn on the device so that NVRTC
// contracts nothing into an FMA (the f32 form would differ from the
// reference otherwise). Only cos/sin may differ from the reference's
// std::cos / std::sin: ds::sinCos (ds_math.cuh; double precision rounded
// once, the same bits on the device and the sim, no local memory) is within
// an ulp of them; the rounding of c and s to bf16/f16 absorbs that almost
// always, and f32 results differ by an ulp at most, except where y_a or y_b
// cancels (a·c ≈ b·s), where the difference is an ulp of the products
// rather than of the result.
//
// Accesses: when every pair's elements lie in 16-byte aligned vectors
// (HalfSplit: d/2 a multiple of 16/sizeof(T); Interleaved: d a multiple of
// 16/sizeof(T); x and y 16-byte aligned), each thread moves whole 16-byte
// vectors (HalfSplit: the vector at i and the one at i + d/2; Interleaved:
// one vector of pairs); otherwise one pair at a time. In place (y == x):
// every element is read and written by one thread, which reads its pair
// before writing it, so no thread reads what another wrote.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_ROPE_CUH
#define DS_CODEGEN_CUDA_ROPE_CUH

#include "codegen/cuda/ds_convert.cuh"
#include "codegen/cuda/ds_math.cuh"

#if defined(__CUDACC__)
#define DS_ROPE_UNROLL _Pragma("unroll")
#else
#define DS_ROPE_UNROLL
#endif

namespace ds {
namespace rope_detail {

/// (sin, cos) of `angle` in fp32: ds::sinCos, the same bits on the device
/// and the sim.
DS_DEVICE float2 sinCos(float angle) {
  float2 r;
  ds::sinCos(angle, r.x, r.y);
  return r;
}

/// The rotated pair (a, b) → (a·c − b·s, b·c + a·s) at the reference's
/// rounding points.
template <class T> DS_DEVICE float rotA(float a, float b, float c, float s) {
  return roundTo<T>(addRn(roundTo<T>(mulRn(a, c)), roundTo<T>(mulRn(-b, s))));
}
template <class T> DS_DEVICE float rotB(float a, float b, float c, float s) {
  return roundTo<T>(addRn(roundTo<T>(mulRn(b, c)), roundTo<T>(mulRn(a, s))));
}

/// kN elements of T in one aligned vector (16 bytes for the kernels here).
template <class T, int kN> struct alignas(sizeof(T) * kN) Vec { T v[kN]; };

template <class T> DS_DEVICE bool aligned16(gptr<T> p) {
  return (reinterpret_cast<unsigned long long>(raw(p)) & 15ull) == 0;
}

} // namespace rope_detail

/// kernel.rope over one token per CTA (grid.x = T, block = kThreads).
template <class T, class TPos, bool kInterleaved, int kThreads>
DS_DEVICE void ropeKernel(gptr<const T> x, gptr<const TPos> positions,
                          gptr<T> y, const float *invFreq,
                          float attentionFactor, int heads, int d) {
  using namespace rope_detail;
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps");
  constexpr int kTable = 256;             // pairs of the cos/sin table
  constexpr int kV = 16 / int(sizeof(T)); // elements per 16-byte vector
  using V = Vec<T, kV>;
  DS_SHARED(float, cosT, kTable);
  DS_SHARED(float, sinT, kTable);

  const long token = blockIdx.x;
  const int tid = threadIdx.x;
  const int half = d / 2;
  // As the reference: the integer position converted to fp32.
  const float pos = float(static_cast<long long>(TPos(positions[token])));
  const long base = token * long(heads) * long(d);
  gptr<const T> xt = x + base;
  gptr<T> yt = y + base;
  const bool vec = aligned16(xt) && aligned16(yt) &&
                   (kInterleaved ? d % kV == 0 : half % kV == 0);

  for (int c0 = 0; c0 < half; c0 += kTable) {
    const int n = min(kTable, half - c0);
    for (int i = tid; i < n; i += kThreads) {
      float angle = pos * invFreq[c0 + i];
      float2 sc = sinCos(angle);
      cosT[i] = roundTo<T>(sc.y * attentionFactor);
      sinT[i] = roundTo<T>(sc.x * attentionFactor);
    }
    __syncthreads();
    if (vec && !kInterleaved) {
      // One unit: kV pairs (i .. i + kV) of one head, two vectors.
      const int per = n / kV;
      for (int u = tid; u < heads * per; u += kThreads) {
        const int h = u / per, j0 = (u % per) * kV;
        const long ia = long(h) * d + c0 + j0, ib = ia + half;
        V va = *ptr_cast<const V>(xt + ia);
        V vb = *ptr_cast<const V>(xt + ib);
        V oa, ob;
        DS_ROPE_UNROLL
        for (int k = 0; k < kV; ++k) {
          float a = toFloat(va.v[k]), b = toFloat(vb.v[k]);
          float c = cosT[j0 + k], s = sinT[j0 + k];
          oa.v[k] = fromFloat<T>(rotA<T>(a, b, c, s));
          ob.v[k] = fromFloat<T>(rotB<T>(a, b, c, s));
        }
        *ptr_cast<V>(yt + ia) = oa;
        *ptr_cast<V>(yt + ib) = ob;
      }
    } else if (vec) {
      // One unit: kV / 2 pairs (2i, 2i + 1) of one head, one vector.
      constexpr int kP = kV / 2;
      const int per = n / kP;
      for (int u = tid; u < heads * per; u += kThreads) {
        const int h = u / per, j0 = (u % per) * kP;
        const long i0 = long(h) * d + 2L * (c0 + j0);
        V vx = *ptr_cast<const V>(xt + i0);
        V o;
        DS_ROPE_UNROLL
        for (int k = 0; k < kP; ++k) {
          float a = toFloat(vx.v[2 * k]), b = toFloat(vx.v[2 * k + 1]);
          float c = cosT[j0 + k], s = sinT[j0 + k];
          o.v[2 * k] = fromFloat<T>(rotA<T>(a, b, c, s));
          o.v[2 * k + 1] = fromFloat<T>(rotB<T>(a, b, c, s));
        }
        *ptr_cast<V>(yt + i0) = o;
      }
    } else {
      for (int u = tid; u < heads * n; u += kThreads) {
        const int h = u / n, j = u % n;
        const long ia = long(h) * d + (kInterleaved ? 2L * (c0 + j) : c0 + j);
        const long ib = kInterleaved ? ia + 1 : ia + half;
        float a = toFloat(T(xt[ia])), b = toFloat(T(xt[ib]));
        float c = cosT[j], s = sinT[j];
        float ya = rotA<T>(a, b, c, s), yb = rotB<T>(a, b, c, s);
        yt[ia] = fromFloat<T>(ya);
        yt[ib] = fromFloat<T>(yb);
      }
    }
    __syncthreads(); // the next chunk rewrites the table
  }
}

} // namespace ds

#undef DS_ROPE_UNROLL

#endif // DS_CODEGEN_CUDA_ROPE_CUH
