//===- dispatch.cuh - kernel.dispatch and kernel.combine ------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The two halves of the expert exchange (runtime/cpu/experts.cpp):
//
//   dispatchKernel  the T·K (token, slot) pairs sorted stably by expert:
//                   rows [T·K, H] (copies of x rows), perm [T·K] (the flat
//                   index t·K + k of each row), offsets [E + 1]; equal to
//                   ds::cpu::dispatch bit for bit (same perm, same offsets).
//   combineKernel   y[t] = Σ_{k = 0 .. K-1} weights[t, k] · rows[r(t, k)]
//                   with perm[r(t, k)] = t·K + k, in fp32 in k order,
//                   rounded once to T: ds::cpu::combine bit for bit (the
//                   products and sums are __fmul_rn / __fadd_rn, never
//                   contracted to an fma, like the reference's host code).
//
// Both are one launch with no host synchronization; each CTA reads all of
// `indices` (dispatch) or `perm` (combine), int32 by int32: an O(T·K) pass
// per CTA, cheap next to the rows they move (T·K = 32768 pairs is 128 KiB of
// L2-resident int32 per CTA against 14 KiB per pair of bf16 rows at
// H = 7168).
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DISPATCH_CUH
#define DS_CODEGEN_CUDA_DISPATCH_CUH

#include "codegen/cuda/ds_warp.cuh"
#include "codegen/cuda/memory.cuh"

namespace ds {

/// out[i] = Σ_{j < i} in[j] for i ≤ n (out[n] is the total), n ≤ kMax, over
/// the block (every thread calls it; it ends with a barrier). `scratch`
/// holds 32 ints; `in` and `out` are distinct.
template <int kThreads, int kMax>
DS_DEVICE void blockExclusiveScan(sptr<const int> in, sptr<int> out, int n,
                                  sptr<int> scratch) {
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps");
  constexpr int kPer = (kMax + kThreads - 1) / kThreads;
  constexpr int kWarps = kThreads / 32;
  int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  int v[kPer];
  int sum = 0;
  DS_UNROLL for (int k = 0; k < kPer; ++k) {
    int i = tid * kPer + k;
    v[k] = i < n ? int(in[i]) : 0;
    sum += v[k];
  }
  int inclusive = sum;
  for (int o = 1; o < 32; o *= 2) {
    int y = __shfl_up_sync(0xffffffffu, inclusive, o);
    if (lane >= o)
      inclusive += y;
  }
  if (lane == 31)
    scratch[warp] = inclusive;
  __syncthreads();
  int before = inclusive - sum, total = 0;
  for (int w = 0; w < kWarps; ++w) {
    int s = scratch[w];
    before += w < warp ? s : 0;
    total += s;
  }
  DS_UNROLL for (int k = 0; k < kPer; ++k) {
    int i = tid * kPer + k;
    if (i < n)
      out[i] = before;
    before += v[k];
  }
  if (tid == 0)
    out[n] = total;
  __syncthreads();
}

//===----------------------------------------------------------------------===//
// kernel.dispatch
//===----------------------------------------------------------------------===//

/// moe.dispatch: x [tokens, h] (T), indices [tokens, topK] (int32) → rows
/// [n, h] (T), perm [n] (int32), offsets [experts + 1] (int32), n = tokens ·
/// topK: the pairs i = t·topK + k counting-sorted stably by expert (ties in
/// increasing i), rows[r] = x[perm[r] / topK], offsets[e] the first row of
/// expert e and offsets[experts] = n. Bit for bit ds::cpu::dispatch (rows
/// are copies, no rounding: rows have x's type).
///
/// Launch: grid.x = max(1, ceil(n / kPairsPerCta)), block = kThreads (a
/// multiple of 32 dividing kPairsPerCta). Requires experts ≤ kMaxExperts and
/// n < 2^31. Static shared memory: 4 · ((kThreads / 32 + 3) · (kMaxExperts
/// + 1) + kPairsPerCta + 33) bytes plus alignment (12496 bytes for
/// kThreads = kPairsPerCta = kMaxExperts = 256).
///
/// Every CTA: (1) counts, per expert, all n pairs and the pairs before its
/// chunk [c · kPairsPerCta, (c + 1) · kPairsPerCta) — shared-memory
/// atomics aggregated per warp with __match_any_sync, four index loads in
/// flight per thread; (2) scans the counts (CTA 0 writes offsets), so it
/// knows where each expert's rows of its chunk start; (3) ranks its chunk's
/// pairs stably, kThreads at a time in pair order: a pair's row is the
/// expert's next row + the same expert's pairs in lower warps (per-warp
/// counts in shared memory) + its lane rank among them (the match mask);
/// writes perm; (4) copies its pairs' rows, one warp per row, 16-byte
/// vectors when x and rows are 16-byte aligned and h · sizeof(T) is a
/// multiple of 16 (else element by element).
///
/// An index outside [0, experts) is a bug upstream (the router never makes
/// one; the reference rejects it): such pairs are sorted, stably, after the
/// last expert — their rows lie past offsets[experts], which is then the
/// number of valid pairs, and perm stays a permutation. Nothing is read or
/// written out of bounds.
template <class T, int kThreads, int kPairsPerCta, int kMaxExperts>
DS_DEVICE void dispatchKernel(gptr<const T> x, gptr<const int> indices,
                              gptr<T> rows, gptr<int> perm, gptr<int> offsets,
                              long long tokens, int topK, long long h,
                              int experts) {
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps");
  static_assert(kPairsPerCta % kThreads == 0,
                "a chunk is whole rounds of kThreads pairs");
  constexpr int kWarps = kThreads / 32;
  constexpr int kBuckets = kMaxExperts + 1; // the experts, then bad indices
  constexpr int kWarpSlots = kWarps * kBuckets;
  constexpr int kBatch = 4;              // index loads in flight
  DS_SHARED(int, total, kBuckets);       // pairs per bucket
  DS_SHARED(int, start, kBuckets + 1);   // the exclusive scan of total
  DS_SHARED(int, next, kBuckets);        // pairs before, then next row
  DS_SHARED(int, warpCount, kWarpSlots); // per warp and bucket, a round
  DS_SHARED(int, scratch, 32);
  DS_SHARED(int, dest, kPairsPerCta); // the row of each pair of the chunk

  const unsigned kAll = 0xffffffffu;
  int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  unsigned below = (1u << lane) - 1u; // the lanes under this one
  int numExperts = experts < kMaxExperts ? experts : kMaxExperts;
  long long n = tokens * topK;
  long long chunk = (long long)blockIdx.x * kPairsPerCta;
  // The bucket of index value e: e itself, or numExperts for a bad index.
  auto bucketOf = [&](int e) {
    return e >= 0 && e < numExperts ? e : numExperts;
  };

  for (int b = tid; b < kBuckets; b += kThreads) {
    total[b] = 0;
    next[b] = 0;
  }
  for (int b = tid; b < kWarpSlots; b += kThreads)
    warpCount[b] = 0;
  __syncthreads();

  // (1) Count. chunk is a multiple of kThreads, so whether a round of
  // kThreads pairs lies before the chunk is uniform over the block.
  for (long long base = 0; base < n; base += kThreads * kBatch) {
    int e[kBatch];
    DS_UNROLL for (int j = 0; j < kBatch; ++j) {
      long long i = base + j * kThreads + tid;
      e[j] = i < n ? bucketOf(int(indices[i])) : -1;
    }
    DS_UNROLL for (int j = 0; j < kBatch; ++j) {
      unsigned peers = matchAny(kAll, e[j]);
      if (e[j] >= 0 && (peers & below) == 0) {
        int c = __popc(peers);
        atomicAdd(&total[e[j]], c);
        if (base + j * kThreads < chunk)
          atomicAdd(&next[e[j]], c);
      }
    }
  }
  __syncthreads();

  // (2) Scan: start[b] is bucket b's first row.
  blockExclusiveScan<kThreads, kBuckets>(total, start, numExperts + 1, scratch);
  if (blockIdx.x == 0)
    for (int e = tid; e <= experts; e += kThreads)
      offsets[e] = int(start[e < numExperts ? e : numExperts]);
  for (int b = tid; b <= numExperts; b += kThreads)
    next[b] += start[b];
  __syncthreads();

  // (3) Rank the chunk, kThreads pairs a round, in pair order.
  long long end = chunk + kPairsPerCta < n ? chunk + kPairsPerCta : n;
  int count = end > chunk ? int(end - chunk) : 0;
  for (int round = 0; round < count; round += kThreads) {
    int j = round + tid;
    int b = j < count ? bucketOf(int(indices[chunk + j])) : -1;
    unsigned peers = matchAny(kAll, b);
    bool leader = b >= 0 && (peers & below) == 0;
    if (leader)
      warpCount[warp * kBuckets + b] = __popc(peers);
    __syncthreads();
    if (b >= 0) {
      int row = next[b] + __popc(peers & below);
      for (int w = 0; w < warp; ++w)
        row += warpCount[w * kBuckets + b];
      dest[j] = row;
      perm[row] = int(chunk + j);
    }
    __syncthreads();
    if (leader) {
      atomicAdd(&next[b], __popc(peers));
      warpCount[warp * kBuckets + b] = 0;
    }
    __syncthreads();
  }

  // (4) Copy the rows, a warp per pair.
  for (int j = warp; j < count; j += kWarps) {
    long long t = (chunk + j) / topK;
    copyRow<T>(x + t * h, rows + (long long)dest[j] * h, h, lane, 32);
  }
}

//===----------------------------------------------------------------------===//
// kernel.combine
//===----------------------------------------------------------------------===//

namespace combine_detail {

/// y rows t0 .. t0 + nt - 1 in units of kVec elements (Pack<T, kVec>):
/// unit c of token t is Σ_k weight · rows[rowOf[t, k]] unit c in k order,
/// kUnroll rows' loads in flight. h is a multiple of kVec.
template <class T, int kThreads, int kVec>
DS_DEVICE void sumRows(gptr<const T> rows, gptr<T> y, sptr<const int> rowOf,
                       sptr<const float> weight, long long t0, int nt, int topK,
                       long long h) {
  constexpr int kUnroll = 4;
  using P = Pack<T, kVec>;
  gptr<const P> src = ptr_cast<const P>(rows);
  gptr<P> dst = ptr_cast<P>(y);
  unsigned units = unsigned(h / kVec);
  unsigned items = unsigned(nt) * units;
  for (unsigned it = threadIdx.x; it < items; it += kThreads) {
    unsigned tl = it / units, c = it - tl * units;
    float acc[kVec];
    DS_UNROLL for (int v = 0; v < kVec; ++v) { acc[v] = 0.0f; }
    for (int k0 = 0; k0 < topK; k0 += kUnroll) {
      P p[kUnroll] = {};
      float w[kUnroll];
      bool has[kUnroll];
      DS_UNROLL for (int u = 0; u < kUnroll; ++u) {
        int k = k0 + u;
        int slot = int(tl) * topK + k;
        int r = k < topK ? int(rowOf[slot]) : -1;
        has[u] = r >= 0;
        w[u] = has[u] ? float(weight[slot]) : 0.0f;
        if (has[u])
          p[u] = src[(long long)r * units + c];
      }
      DS_UNROLL for (int u = 0; u < kUnroll; ++u) {
        if (has[u]) {
          DS_UNROLL for (int v = 0; v < kVec; ++v) {
            acc[v] = addRn(acc[v], mulRn(w[u], toFloat(p[u].v[v])));
          }
        }
      }
    }
    P out;
    DS_UNROLL for (int v = 0; v < kVec; ++v) {
      out.v[v] = fromFloat<T>(acc[v]);
    }
    dst[(t0 + tl) * units + c] = out;
  }
}

} // namespace combine_detail

/// moe.combine: rows [n, h] (T), perm [n] (int32), weights [tokens, topK]
/// (W) → y [tokens, h] (T), n = tokens · topK: y[t] = round_T(Σ_{k = 0 ..
/// topK-1} weights[t, k] · rows[r]) with perm[r] = t · topK + k, each
/// product and sum in fp32 in k order from 0.0f — ds::cpu::combine bit for
/// bit.
///
/// Launch: grid.x = ceil(tokens / kTokensPerCta), block = kThreads (a
/// multiple of 32). Requires topK ≤ kMaxTopK and h · kTokensPerCta < 2^32.
/// Static shared memory: 8 · kTokensPerCta · kMaxTopK bytes (the CTA's
/// inverse permutation and weights in fp32).
///
/// Each CTA builds the inverse of perm for its tokens' slots by scanning all
/// of perm (O(n) int32 loads per CTA, four in flight per thread: with n =
/// 32768 and kTokensPerCta = 16, 128 KiB per CTA against its 16 · K rows of
/// h elements), then sums its tokens' rows with 16-byte loads and stores
/// when rows and y are 16-byte aligned and h · sizeof(T) is a multiple of 16
/// (else element by element), one thread per (token, 16 bytes of h).
/// A slot no perm entry names (perm not a permutation: a bug upstream,
/// which the reference rejects) adds nothing; perm values outside [0, n)
/// are ignored.
template <class T, class W, int kThreads, int kTokensPerCta, int kMaxTopK>
DS_DEVICE void combineKernel(gptr<const T> rows, gptr<const int> perm,
                             gptr<const W> weights, gptr<T> y, long long tokens,
                             int topK, long long h) {
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps");
  constexpr int kSlots = kTokensPerCta * kMaxTopK;
  constexpr int kBatch = 4;
  DS_SHARED(int, rowOf, kSlots);
  DS_SHARED(float, weight, kSlots);
  int tid = threadIdx.x;
  long long t0 = (long long)blockIdx.x * kTokensPerCta;
  if (t0 >= tokens || topK > kMaxTopK)
    return;
  int nt = tokens - t0 < kTokensPerCta ? int(tokens - t0) : kTokensPerCta;
  int slots = nt * topK;
  long long s0 = t0 * topK, n = tokens * topK;
  for (int i = tid; i < slots; i += kThreads) {
    rowOf[i] = -1;
    weight[i] = toFloat(W(weights[s0 + i]));
  }
  __syncthreads();
  for (long long base = 0; base < n; base += kThreads * kBatch) {
    int s[kBatch];
    DS_UNROLL for (int j = 0; j < kBatch; ++j) {
      long long r = base + j * kThreads + tid;
      s[j] = r < n ? int(perm[r]) : -1;
    }
    DS_UNROLL for (int j = 0; j < kBatch; ++j) {
      long long local = (long long)s[j] - s0;
      if (local >= 0 && local < slots)
        rowOf[local] = int(base + j * kThreads + tid);
    }
  }
  __syncthreads();
  constexpr int kVec = 16 / sizeof(T);
  if (isAligned16(rows) && isAligned16(y) &&
      (h * (long long)sizeof(T)) % 16 == 0)
    combine_detail::sumRows<T, kThreads, kVec>(rows, y, rowOf, weight, t0, nt,
                                               topK, h);
  else
    combine_detail::sumRows<T, kThreads, 1>(rows, y, rowOf, weight, t0, nt,
                                            topK, h);
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_DISPATCH_CUH
