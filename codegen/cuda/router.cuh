//===- router.cuh - kernel.router: MoE gate, scoring, top-k --*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// routerKernel<T, TG, TW, kThreads, kMaxExperts, TB, kTokens>(
//     x, gate, bias, weights, indices, tokens, hidden, experts, params)
//
// x [tokens, hidden] of T, gate [experts, hidden] of TG, optional correction
// bias [experts] of TB (null when absent), weights [tokens, topK] of TW,
// indices [tokens, topK] int32 (T, TG, TW, TB each f32, bf16 or f16). One
// kernel does, per token (models.md §2.4, runtime/cpu/router.cpp):
//
//   logits  l[e] = Σ_h x[h]·gate[e][h]          fp32, h = 0, 1, ... in order
//   scores  softmax(l) or sigmoid(l)            fp32
//   choice  c[e] = scores[e] + bias[e]          (+ 0 without a bias)
//   groups  group_limited: group score = max of its choices; noaux_tc: the
//           sum of its two largest; the top topkGroup groups are kept, the
//           others' choices become -inf or 0 (groupFill)
//   top-k   the topK largest choices, ties to the LOWER index, NaN last
//   weights w = scores[picked] (unbiased), / (Σw + 1e-20) when normTopkProb,
//           · routedScalingFactor, rounded to TW
//
// Every value is computed as the reference computes it, so the sim agrees
// bit for bit: each logit is one thread's left-to-right fp32 sum of fp32
// products (__fmul_rn / __fadd_rn on the device: nothing contracted into an
// FMA, except that two 16-bit inputs, whose product fp32 holds exactly, use
// one FMA: the same result unless a product falls below fp32's normal range,
// |x·g| < 2^-126), the softmax sum is one thread's left-to-right sum over
// the experts, and the selection compares exact values. What differs on the
// device: expf is within 2 ulps of the host's, so a score can differ by an
// ulp, which can change a selection only between choices within an ulp of
// each other. The price of the exact order: a logit is a serial chain of
// `hidden` dependent adds (one per thread and token), and one CTA reads the
// whole gate (kTokens > 1 shares that read among its tokens).
//
// Launch: grid = (ceil(tokens / kTokens)); block = (kThreads), a multiple of
// 32 dividing kMaxExperts (a multiple of 32, at most 256); experts <=
// kMaxExperts; kTokens <= min(8, kThreads / 32). Static shared memory
// (bytes): 2 · kMaxExperts · 80 (the gate tile's two cp.async stages: per
// expert 64 bytes of its row, padded to 80 so that the 16-byte reads of 8
// consecutive experts hit distinct banks; after the logits it holds the
// routing scratch) + 2 · kTokens · 64 · sizeof(T) / sizeof(TG) (x's stages):
// 40 KiB + 256 · kTokens bytes at kMaxExperts = 256 with bf16 x and gate.
//
// The logits: the hidden dim is walked in chunks of 64 / sizeof(TG) elements
// (a 64-byte piece of every gate row and the matching pieces of the CTA's x
// rows), two stages of coalesced 16-byte cp.async when x's and gate's rows
// are 16-byte aligned (hidden · sizeof a multiple of 16, base pointers
// aligned), plain element loads otherwise; the chunk past `hidden` is
// zero-filled (adding 0·0 to the running sum leaves it unchanged). Thread
// `tid` owns experts tid, tid + kThreads, ... for all the CTA's tokens (so
// each warp handles 32 experts). Then warp w routes the CTA's token w: its
// lanes own experts lane + 32·i in registers for every top-k (K rounds of a
// warp-wide max of (value key, -index)); its shared traffic is ordered by
// the named barrier 1 + w.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_ROUTER_CUH
#define DS_CODEGEN_CUDA_ROUTER_CUH

#include "codegen/cuda/ds_async.cuh"
#include "codegen/cuda/ds_convert.cuh"

#if defined(__CUDACC__)
#define DS_ROUTER_UNROLL _Pragma("unroll")
#else
#define DS_ROUTER_UNROLL
#endif

namespace ds {

enum class RouterScoring : int { Softmax = 0, Sigmoid = 1 };
enum class RouterSelection : int { Greedy = 0, GroupLimited = 1, NoauxTc = 2 };
enum class RouterGroupFill : int { NegInf = 0, Zero = 1 };

/// ds::RouterConfig as plain data (the code generator fills it with
/// literals). routedScalingFactor is the reference's
/// static_cast<float>(config.routedScalingFactor).
struct RouterParams {
  RouterScoring scoring;
  RouterSelection selection;
  int topK;
  int nGroup;
  int topkGroup;
  bool normTopkProb;
  float routedScalingFactor;
  RouterGroupFill groupFill;
};

namespace router_detail {

template <class T, int kN> struct alignas(sizeof(T) * kN) Vec { T v[kN]; };

template <class T> DS_DEVICE bool aligned16(gptr<T> p) {
  return (reinterpret_cast<unsigned long long>(raw(p)) & 15ull) == 0;
}

/// The reference's order as an unsigned key: larger values larger keys,
/// -0 = +0, NaN below everything (0).
DS_DEVICE unsigned orderKey(float v) {
  float z = v + 0.0f; // -0 → +0
  unsigned b = __float_as_uint(z);
  unsigned k = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
  return z != z ? 0u : k;
}

/// (key, index) packed so that the larger one is the earlier pick: the
/// larger value, then the lower index. Never 0 (0 marks a taken slot).
DS_DEVICE unsigned long long packKey(float v, int index) {
  return (static_cast<unsigned long long>(orderKey(v)) << 32) |
         static_cast<unsigned long long>(~static_cast<unsigned>(index));
}

/// Orders one warp's shared-memory traffic: the named barrier `id` of its
/// 32 threads (bar.sync id, 32), which the sim's race checks follow (a
/// __syncwarp they do not).
DS_DEVICE void warpBarrier(unsigned id) { bar_sync(id, 32); }

/// One step of a logit's left-to-right sum: acc + a·b with the product
/// rounded to fp32. kExact: a·b is exact in fp32 (two 16-bit types), so the
/// device may fuse it (one FMA, the same result for products of fp32's
/// normal range).
template <bool kExact> DS_DEVICE float dotStep(float acc, float a, float b) {
#if defined(__CUDACC__)
  if constexpr (kExact)
    return fmaf(a, b, acc);
  else
    return __fadd_rn(acc, __fmul_rn(a, b));
#else
  return acc + a * b;
#endif
}

DS_DEVICE unsigned long long warpMax(unsigned long long v) {
  for (int offset = 16; offset > 0; offset /= 2) {
    unsigned long long o = __shfl_xor_sync(0xffffffffu, v, offset);
    v = o > v ? o : v;
  }
  return v;
}

/// Warp-collective top-k of vals[0, n) (n <= 32 · kPerLane): out[r], r < k,
/// is the r-th pick, greedy in descending order, ties to the lower index,
/// NaN last. Written by lane 0; the caller syncs the warp before reading.
template <int kPerLane>
DS_DEVICE void warpTopK(sptr<const float> vals, int n, int k, sptr<int> out) {
  const int lane = threadIdx.x % 32;
  unsigned long long key[kPerLane];
  DS_ROUTER_UNROLL
  for (int i = 0; i < kPerLane; ++i) {
    int e = lane + 32 * i;
    key[i] = e < n ? packKey(vals[e], e) : 0ull;
  }
  for (int r = 0; r < k; ++r) {
    unsigned long long best = 0;
    DS_ROUTER_UNROLL
    for (int i = 0; i < kPerLane; ++i)
      best = key[i] > best ? key[i] : best;
    best = warpMax(best);
    DS_ROUTER_UNROLL
    for (int i = 0; i < kPerLane; ++i)
      if (key[i] == best)
        key[i] = 0;
    if (lane == 0)
      out[r] = static_cast<int>(~static_cast<unsigned>(best & 0xffffffffull));
  }
}

/// Scoring, selection and weights of one token on one warp: `scores` holds
/// its logits; choice, groupScore, groupKept and picks are the warp's
/// scratch (kMaxExperts each); `barrier` is the warp's named barrier.
template <class TB, class TW, int kPerLane>
DS_DEVICE void
routeToken(sptr<float> scores, sptr<float> choice, sptr<float> groupScore,
           sptr<int> groupKept, sptr<int> picks, gptr<const TB> bias,
           gptr<TW> weights, gptr<int> indices, long token, int experts,
           const RouterParams &params, unsigned barrier) {
  const int lane = threadIdx.x % 32;
  if (params.scoring == RouterScoring::Softmax) {
    float m = -__int_as_float(0x7f800000);
    for (int e = lane; e < experts; e += 32) {
      float v = scores[e];
      m = v > m ? v : m;
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      float o = __shfl_xor_sync(0xffffffffu, m, offset);
      m = o > m ? o : m;
    }
    for (int e = lane; e < experts; e += 32)
      scores[e] = expf(float(scores[e]) - m);
    warpBarrier(barrier);
    float sum = 0.0f;
    if (lane == 0)
      for (int e = 0; e < experts; ++e)
        sum = addRn(sum, scores[e]);
    sum = __shfl_sync(0xffffffffu, sum, 0);
    warpBarrier(barrier);
    for (int e = lane; e < experts; e += 32)
      scores[e] = float(scores[e]) / sum;
  } else {
    for (int e = lane; e < experts; e += 32)
      scores[e] = 1.0f / (1.0f + expf(-float(scores[e])));
  }
  for (int e = lane; e < experts; e += 32)
    choice[e] = addRn(scores[e], bias ? toFloat(TB(bias[e])) : 0.0f);
  warpBarrier(barrier);

  if (params.selection != RouterSelection::Greedy) {
    const int groups = params.nGroup, per = experts / groups;
    const bool two = params.selection == RouterSelection::NoauxTc;
    for (int g = lane; g < groups; g += 32) {
      // The group's largest (and second largest) choice, NaN last.
      float v1 = 0.0f, v2 = 0.0f;
      unsigned k1 = 0, k2 = 0;
      bool has1 = false, has2 = false;
      for (int i = 0; i < per; ++i) {
        float v = choice[g * per + i];
        unsigned k = orderKey(v);
        if (!has1 || k > k1) {
          v2 = v1, k2 = k1, has2 = has1;
          v1 = v, k1 = k, has1 = true;
        } else if (!has2 || k > k2) {
          v2 = v, k2 = k, has2 = true;
        }
      }
      float gs = addRn(0.0f, v1);
      if (two)
        gs = addRn(gs, v2);
      groupScore[g] = gs;
      groupKept[g] = 0;
    }
    warpBarrier(barrier);
    warpTopK<kPerLane>(groupScore, groups, params.topkGroup, picks);
    warpBarrier(barrier);
    if (lane == 0)
      for (int r = 0; r < params.topkGroup; ++r)
        groupKept[picks[r]] = 1;
    warpBarrier(barrier);
    const float fill = params.groupFill == RouterGroupFill::NegInf
                           ? -__int_as_float(0x7f800000)
                           : 0.0f;
    for (int e = lane; e < experts; e += 32)
      if (!groupKept[e / per])
        choice[e] = fill;
    warpBarrier(barrier);
  }

  warpTopK<kPerLane>(choice, experts, params.topK, picks);
  warpBarrier(barrier);
  if (lane == 0) {
    const int k = params.topK;
    float sum = 0.0f;
    for (int j = 0; j < k; ++j)
      sum = addRn(sum, scores[picks[j]]);
    for (int j = 0; j < k; ++j) {
      const int ex = picks[j];
      float w = scores[ex];
      if (params.normTopkProb)
        w = w / addRn(sum, 1e-20f);
      w = mulRn(w, params.routedScalingFactor);
      weights[token * k + j] = fromFloat<TW>(w);
      indices[token * k + j] = ex;
    }
  }
}

} // namespace router_detail

/// kernel.router for kTokens tokens per CTA (grid.x = ceil(T / kTokens),
/// block = kThreads).
template <class T, class TG, class TW, int kThreads, int kMaxExperts,
          class TB = float, int kTokens = 1>
DS_DEVICE void routerKernel(gptr<const T> x, gptr<const TG> gate,
                            gptr<const TB> bias, gptr<TW> weights,
                            gptr<int> indices, int tokens, int hidden,
                            int experts, RouterParams params) {
  using namespace router_detail;
  static_assert(kThreads % 32 == 0 && kMaxExperts % kThreads == 0,
                "whole warps; kThreads divides kMaxExperts");
  static_assert(kMaxExperts % 32 == 0 && kMaxExperts <= 256,
                "kMaxExperts: a multiple of 32, at most 256");
  static_assert(kTokens >= 1 && kTokens <= 8 && kTokens <= kThreads / 32,
                "one warp per token of the CTA, at most 8");
  constexpr int kEpt = kMaxExperts / kThreads;  // experts per thread
  constexpr int kPerLane = kMaxExperts / 32;    // experts per lane (top-k)
  constexpr int kChunk = 64 / int(sizeof(TG));  // hidden elements per stage
  constexpr int kGV = 16 / int(sizeof(TG));     // gate elements per vector
  constexpr int kXV = 16 / int(sizeof(T));      // x elements per vector
  constexpr int kRowVecs = 5;                   // 64 bytes + 16 of padding
  constexpr int kXVecs = kChunk / kXV;          // x vectors per token, stage
  constexpr int kPiece = kGV < kXV ? kGV : kXV; // x elements per read
  constexpr bool kExact = sizeof(T) == 2 && sizeof(TG) == 2;
  using GV = Vec<TG, kGV>;
  using XP = Vec<T, kPiece>;
  DS_SHARED(uint4, gateTile, 2 * kMaxExperts * kRowVecs);
  DS_SHARED(uint4, xTile, 2 * kTokens * kXVecs);
  // After the logits the gate tile holds, per token, the scores, choices,
  // group scores, kept groups and picks (kMaxExperts words each).
  static_assert(5 * kTokens * kMaxExperts <= 2 * kMaxExperts * kRowVecs * 4,
                "the routing scratch fits in the gate tile");

  const int tid = threadIdx.x;
  const long t0 = long(blockIdx.x) * kTokens;
  const long left = long(tokens) - t0;
  const int nt = left < kTokens ? int(left) : kTokens; // tokens of this CTA
  const bool vec = aligned16(x) && aligned16(gate) &&
                   (long(hidden) * long(sizeof(T))) % 16 == 0 &&
                   (long(hidden) * long(sizeof(TG))) % 16 == 0;

  // Stage `s` <- chunk `c` of the CTA's x rows and of every gate row.
  auto load = [&](int s, int c) {
    const int h0 = c * kChunk;
    if (vec) {
      for (int i = tid; i < experts * 4; i += kThreads) {
        const int row = i / 4, h = h0 + (i % 4) * kGV;
        gptr<const TG> src = gate + long(row) * hidden;
        const int bytes = h < hidden ? 16 : 0;
        cp_async<16>(gateTile + (s * kMaxExperts + row) * kRowVecs + i % 4,
                     bytes ? src + h : src, bytes);
      }
      for (int i = tid; i < kTokens * kXVecs; i += kThreads) {
        const int t = i / kXVecs, h = h0 + (i % kXVecs) * kXV;
        const int bytes = t < nt && h < hidden ? 16 : 0;
        cp_async<16>(xTile + s * kTokens * kXVecs + i,
                     bytes ? x + (t0 + t) * hidden + h : x, bytes);
      }
    } else {
      for (int i = tid; i < experts * kChunk; i += kThreads) {
        const int row = i / kChunk, k = i % kChunk, h = h0 + k;
        sptr<TG> dst =
            ptr_cast<TG>(gateTile + (s * kMaxExperts + row) * kRowVecs);
        dst[k] =
            h < hidden ? TG(gate[long(row) * hidden + h]) : fromFloat<TG>(0.0f);
      }
      for (int i = tid; i < kTokens * kChunk; i += kThreads) {
        const int t = i / kChunk, k = i % kChunk, h = h0 + k;
        sptr<T> dst = ptr_cast<T>(xTile + (s * kTokens + t) * kXVecs);
        dst[k] = t < nt && h < hidden ? T(x[(t0 + t) * hidden + h])
                                      : fromFloat<T>(0.0f);
      }
    }
    cp_async_commit();
  };

  float acc[kEpt][kTokens];
  DS_ROUTER_UNROLL
  for (int j = 0; j < kEpt; ++j)
    DS_ROUTER_UNROLL
  for (int t = 0; t < kTokens; ++t)
    acc[j][t] = 0.0f;
  const int chunks = (hidden + kChunk - 1) / kChunk;
  load(0, 0);
  for (int c = 0; c < chunks; ++c) {
    const int s = c & 1;
    if (c + 1 < chunks)
      load(s ^ 1, c + 1);
    else
      cp_async_commit(); // an empty group keeps the count uniform
    cp_async_wait<1>();
    __syncthreads();
    DS_ROUTER_UNROLL
    for (int j = 0; j < kEpt; ++j) {
      const int e = tid + j * kThreads;
      if (e < experts) {
        sptr<const uint4> row = gateTile + (s * kMaxExperts + e) * kRowVecs;
        DS_ROUTER_UNROLL
        for (int q = 0; q < 4; ++q) {
          GV g = *ptr_cast<const GV>(row + q);
          float gf[kGV];
          DS_ROUTER_UNROLL
          for (int k = 0; k < kGV; ++k)
            gf[k] = toFloat(g.v[k]);
          DS_ROUTER_UNROLL
          for (int t = 0; t < kTokens; ++t) {
            sptr<const T> xs =
                ptr_cast<const T>(xTile + (s * kTokens + t) * kXVecs);
            DS_ROUTER_UNROLL
            for (int p = 0; p < kGV / kPiece; ++p) {
              XP xv = *ptr_cast<const XP>(xs + q * kGV + p * kPiece);
              DS_ROUTER_UNROLL
              for (int k = 0; k < kPiece; ++k)
                acc[j][t] = dotStep<kExact>(acc[j][t], toFloat(xv.v[k]),
                                            gf[p * kPiece + k]);
            }
          }
        }
      }
    }
    __syncthreads(); // stage s is refilled two chunks on
  }
  cp_async_wait<0>(); // (hidden = 0 leaves the first group pending)
  __syncthreads();    // the scratch below overwrites the gate tile

  sptr<float> scratch = ptr_cast<float>(gateTile);
  auto slot = [&](int which, int t) {
    return scratch + (which * kTokens + t) * kMaxExperts;
  };
  DS_ROUTER_UNROLL
  for (int j = 0; j < kEpt; ++j) {
    const int e = tid + j * kThreads;
    DS_ROUTER_UNROLL
    for (int t = 0; t < kTokens; ++t)
      if (e < experts && t < nt)
        slot(0, t)[e] = acc[j][t];
  }
  __syncthreads();
  // Warp w routes the CTA's token w.
  const int w = tid / 32;
  if (w >= nt)
    return;
  routeToken<TB, TW, kPerLane>(
      slot(0, w), slot(1, w), slot(2, w), ptr_cast<int>(slot(3, w)),
      ptr_cast<int>(slot(4, w)), bias, weights, indices, t0 + w, experts,
      params, 1u + unsigned(w));
}

} // namespace ds

#undef DS_ROUTER_UNROLL

#endif // DS_CODEGEN_CUDA_ROUTER_CUH
