//===- attention.cuh - kernel.attention: tiled 2-pass softmax -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// moe.attention (runtime/cpu/attention.cpp) as a FlashAttention-2 style
// kernel: q [T, H, DQ], k [S, Hkv, dk], v [S, Hkv, DV], optional sharedKey
// [S, dr] (MLA: head h's key is concat(k[s, h / g], sharedKey[s]), so DQ =
// dk + dr; dr = 0 and sharedKey null otherwise), o [T, H, DV], g = H / Hkv
// (GQA / MQA: head h reads kv head h / g). Query t sits at position
// S - T + t (causal); key s is visible to query position p iff s <= p and
// the window admits it (ds::Window, windowKind = WindowKind's order):
//   0 global        every key
//   1 sliding       p - W < s                          (W = windowSize)
//   2 chunked       s / C == p / C                     (C = windowSize)
//   3 local_global  p - W < s or s < G                 (G = windowSinks)
//
// Launch: grid (ceil(T / BQ), H), block kWarps * 32 threads, no dynamic
// shared memory; attentionSharedBytes<T, BQ, BKV, kWarps, DQ, DV>() bytes of
// static shared memory (static_assert: at most 48 KiB).
//
// Each CTA owns BQ query rows of one head and walks KV tiles of BKV keys up
// to the tile of the causal end p1 (p0, p1: the first and last row's
// positions); tiles past it are never loaded. Which tiles below it, the
// compile-time kBlockSparse decides (moe-attention-block-sparsity):
//  - true: only the tiles that intersect the rows' visible range: from the
//    tile of the window's first key (sliding, local_global: p0 - W + 1;
//    chunked: p0's chunk start), plus for local_global the sink tiles
//    [0, ceil(G / BKV)) before them. A tile outside that list is never
//    loaded.
//  - false: every tile [0, tile of p1], the causal tiles, as a dense masked
//    kernel walks them. A fully masked tile leaves the result bit for bit
//    as it is: its scores are -inf, so it leaves the row max as it is,
//    rescales the sum by expf(0) = 1, adds expf(-inf) = 0 to it, and its
//    probabilities are 0, which add +-0 to the fp32 output accumulators
//    (V finite). The two schedules give the same bits.
// Either way a tile that is only partly visible to some row is masked per
// element. `visitedTiles`, when not null, gets every CTA's tile count added
// (atomicAdd, thread 0; a tile counts once although both passes below visit
// it): the sim passes a counter (ds::simCounter), a GPU kernel null.
//
// A two-pass softmax, so that the probabilities are rounded where the
// reference rounds them: pass 1 walks the tiles loading only K and keeps
// the row max m and the sum l of exp(score - m) (fp32; l is rescaled when m
// grows), pass 2 walks them again with K and V, recomputes the scores and
// accumulates round_T(exp(score - m) / l) · V. Cost: K is read, Q·Kᵀ
// computed and its exps taken twice (2x the Q·Kᵀ work of a one-pass online
// softmax, about 1.5x its matmul work in all when DQ ≈ DV; V once). Both passes
// run through the same 2-stage cp.async pipeline, one step per tile and pass,
// so pass 2's first tile lands during pass 1's last.
//
// Two paths, chosen at compile time:
//  - tensor cores (T bf16 / f16, DQ % 16 == 0, DV % 8 == 0; BQ = 16 kWarps,
//    each warp owns 16 query rows; BKV % 16 == 0): Q·Kᵀ and P·V with
//    mma.sync m16n8k16 (fp32 accumulation), K and V fragments by ldmatrix
//    (.trans for V) from shared tiles brought by a 2-stage cp.async pipeline
//    (K and V of a tile in separate groups, so Q·Kᵀ starts while V lands;
//    pass 1's V group is empty); Q is loaded once through shared memory
//    into registers. Tiles hold rows
//    of 16-byte chunks: XOR-swizzled (chunk ^ row % 8) when a row has a
//    multiple of 8 chunks, else padded to an odd number of chunks, so
//    ldmatrix and the cp.async stores are free of bank conflicts. Loads are
//    16-byte cp.async with zero-fill past S / T when dk, dr are multiples of
//    8 and q, k, v, sharedKey, o are 16-byte aligned, else scalar loads into
//    the same layout. The output goes through shared memory and out in
//    16-byte stores. Shared: max(BQ·rowQ, BQ·rowV, 2·BKV·(rowQ + rowV))
//    elements (rowQ, rowV: the padded row lengths of DQ, DV).
//  - FFMA (T float, or bf16 / f16 with DQ % 16 != 0 or DV % 8 != 0; BQ a
//    multiple of kWarps, BKV % 32 == 0 or BKV 16 / 8): each warp owns
//    BQ / kWarps rows, lane l scores keys l, l + 32, ... of the tile (BKV
//    16 / 8: 2 / 4 lanes share a key, each summing every 2nd / 4th product,
//    then a shuffle; that lets DQ = DV = 128 fit with BKV = 16) from fp32
//    shared tiles (K rows padded to an odd length), the row max is a warp
//    reduction, the probabilities go through shared memory and lane l
//    accumulates output columns l, l + 32, ...; K/V by 4-byte cp.async
//    (float) in 2 stages, or by scalar loads converted to fp32 (bf16 /
//    f16). fp32 takes the same two passes (one code path; rounding to fp32
//    is the identity, so for fp32 only the order of the sum differs from a
//    one-pass kernel). Shared: 4·(BQ·DQ + 2·BKV·(DQ | 1) + 2·BKV·DV +
//    BQ·BKV) bytes.
//
// Rounding points: the reference's (HF eager's): score = round_T(round_T(
// q·k) · scale), fp32 max, exp (expf, as the reference's std::exp) and sum,
// p = round_T(exp(score - m) / l) (a division, as the reference), P·V
// accumulated in fp32 and rounded to T once (no division at the end). What
// differs: l is summed per lane in tile order and rescaled by exp(m_old -
// m_new) when the running max grows (the reference sums exp(score - m)
// with the final m, in key order), and dot products and P·V are
// accumulated in another order (tensor cores: their own). So p can differ
// from the reference's by an ulp of T where exp / l sits near a rounding
// boundary. Measured on the sim (AttentionKernelTest): bf16 / f16 within 1
// ulp of T of the reference on every element (all but one of ~2e5 exact),
// fp32 within 1e-6 of max |o|.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_ATTENTION_CUH
#define DS_CODEGEN_CUDA_ATTENTION_CUH

#include "codegen/cuda/ds_async.cuh"
#include "codegen/cuda/ds_convert.cuh"
#include "codegen/cuda/ds_mma.cuh"

namespace ds {
namespace attention_detail {

template <class T> struct IsFloat { static constexpr bool value = false; };
template <> struct IsFloat<float> { static constexpr bool value = true; };

/// Whether (T, DQ, DV) takes the tensor-core path.
template <class T, int DQ, int DV> struct UsesMma {
  static constexpr bool value =
      !IsFloat<T>::value && DQ % 16 == 0 && DV % 8 == 0 && DQ > 0 && DV > 0;
};

__host__ __device__ constexpr int maxOf(int a, int b) { return a > b ? a : b; }

/// A shared tile of rows of D 16-bit elements in 16-byte chunks (D % 8 ==
/// 0): XOR swizzle when a row has a multiple of 8 chunks, else rows padded
/// to an odd number of chunks.
template <int D> struct Rows {
  static constexpr int kChunks = D / 8;
  static constexpr bool kSwizzle = kChunks % 8 == 0;
  static constexpr int kStride =
      kSwizzle || kChunks % 2 == 1 ? D : D + 8; ///< elements per row
  static DS_DEVICE int chunk(int row, int c) {
    return row * kStride + 8 * (kSwizzle ? (c ^ (row & 7)) : c);
  }
};

DS_DEVICE float negInf() { return __int_as_float(int(0xff800000u)); }

DS_DEVICE unsigned bits16(__nv_bfloat16 v) { return __bfloat16_as_ushort(v); }
DS_DEVICE unsigned bits16(__half v) { return __half_as_ushort(v); }

/// Two values rounded to T, packed low first (an mma operand register).
template <class T> DS_DEVICE unsigned pack2(float lo, float hi) {
  return bits16(fromFloat<T>(lo)) | bits16(fromFloat<T>(hi)) << 16;
}

/// d += A·B on tensor cores in T's 16-bit format.
DS_DEVICE void mmaAccumulate(float d[4], const unsigned a[4],
                             const unsigned b[2], __nv_bfloat16) {
  mma_m16n8k16_bf16(d, a, b, d);
}
DS_DEVICE void mmaAccumulate(float d[4], const unsigned a[4],
                             const unsigned b[2], __half) {
  mma_m16n8k16_f16(d, a, b, d);
}
template <class T>
DS_DEVICE void mma16816(float d[4], const unsigned a[4], const unsigned b[2]) {
  mmaAccumulate(d, a, b, T());
}

/// The KV tiles a CTA visits and the masking rules of its rows.
struct Visible {
  int keys, kind, size, sinks;
  int p0, p1;    ///< positions of the CTA's first and last valid rows
  int sinkTiles; ///< tiles [0, sinkTiles) first (local_global)
  int firstTile; ///< then [firstTile, firstTile + count - sinkTiles)
  int count;     ///< tiles visited
  int bkv;

  DS_DEVICE void init(int tokens, int S, int t0, int rows, int BKV,
                      int windowKind, int windowSize, int windowSinks,
                      bool blockSparse) {
    keys = S;
    kind = windowKind;
    size = windowSize;
    sinks = windowSinks;
    bkv = BKV;
    int last = min(t0 + rows, tokens) - 1;
    p0 = S - tokens + t0;
    p1 = S - tokens + last;
    int end = min(S, p1 + 1); // keys [0, end) may be visible
    // Without block sparsity every causal tile, the window masked per
    // element.
    int start = 0;
    if (blockSparse && (kind == 1 || kind == 3))
      start = max(0, p0 - size + 1);
    else if (blockSparse && kind == 2)
      start = (p0 / size) * size;
    int lastTile = (end - 1) / BKV;
    firstTile = start / BKV;
    sinkTiles = 0;
    if (blockSparse && kind == 3)
      sinkTiles = min((min(sinks, end) + BKV - 1) / BKV, firstTile);
    count = sinkTiles + (lastTile - firstTile + 1);
  }
  /// The n-th tile visited.
  DS_DEVICE int tile(int n) const {
    return n < sinkTiles ? n : firstTile + (n - sinkTiles);
  }
  /// Whether every key of the tile at k0 is visible to every valid row.
  DS_DEVICE bool whole(int k0) const {
    int k1 = k0 + bkv - 1;
    if (k1 >= keys || k1 > p0)
      return false;
    switch (kind) {
    case 1:
      return k0 > p1 - size;
    case 2:
      return k0 / size == p1 / size;
    case 3:
      return k0 > p1 - size || k1 < sinks;
    default:
      return true;
    }
  }
  /// Whether key s is visible to query position p.
  DS_DEVICE bool admits(int p, int s) const {
    if (s >= keys || s > p)
      return false;
    switch (kind) {
    case 1:
      return p - size < s;
    case 2:
      return s / size == p / size;
    case 3:
      return p - size < s || s < sinks;
    default:
      return true;
    }
  }
};

DS_DEVICE bool aligned16(const void *p) {
  return reinterpret_cast<unsigned long long>(p) % 16 == 0;
}

//===- The tensor-core path ----------------------------------------------===//

template <class T, int BQ, int BKV, int DQ, int DV> struct MmaShape {
  using RQ = Rows<DQ>;
  using RV = Rows<DV>;
  static constexpr int kTileK = BKV * RQ::kStride; ///< elements
  static constexpr int kTileV = BKV * RV::kStride;
  static constexpr int kStages = 2 * (kTileK + kTileV);
  static constexpr int kElements =
      maxOf(maxOf(BQ * RQ::kStride, BQ *RV::kStride), kStages);
  static constexpr int kBytes = kElements * int(sizeof(T));
};

/// K (rows of DQ: k then sharedKey) or V (rows of DV) of the tile at key0
/// into `tile`, 16-byte cp.async with zero-fill (vec) or scalar loads.
template <class T, int kThreads, int BKV, int D>
DS_DEVICE void loadRows(sptr<T> tile, gptr<const T> a, gptr<const T> b, int da,
                        int db, long strideA, int key0, int S, bool vec) {
  using R = Rows<D>;
  if (vec) {
    const int chunksA = da / 8;
    for (int i = threadIdx.x; i < BKV * R::kChunks; i += kThreads) {
      int row = i / R::kChunks, c = i % R::kChunks, key = key0 + row;
      gptr<const T> src = a;
      int bytes = 0;
      if (key < S) {
        bytes = 16;
        src = c < chunksA ? a + (long(key) * strideA + 8 * c)
                          : b + (long(key) * db + 8 * (c - chunksA));
      }
      cp_async<16>(tile + R::chunk(row, c), src, bytes);
    }
  } else {
    for (int i = threadIdx.x; i < BKV * D; i += kThreads) {
      int row = i / D, d = i % D, key = key0 + row;
      T value = fromFloat<T>(0.0f);
      if (key < S)
        value = d < da ? T(a[long(key) * strideA + d])
                       : T(b[long(key) * db + (d - da)]);
      tile[R::chunk(row, d / 8) + d % 8] = value;
    }
  }
}

template <class T, int BQ, int BKV, int kWarps, int DQ, int DV>
DS_DEVICE void attentionMma(gptr<const T> q, gptr<const T> k, gptr<const T> v,
                            gptr<const T> sharedKey, gptr<T> o, int tokens,
                            int S, int heads, int kvHeads, int dk, int dr,
                            float scale, const Visible &vis, bool vec,
                            sptr<T> smem) {
  using Shape = MmaShape<T, BQ, BKV, DQ, DV>;
  using RQ = Rows<DQ>;
  using RV = Rows<DV>;
  constexpr int kThreads = kWarps * 32;
  constexpr int kQTiles = DQ / 16; // k steps of Q·Kᵀ
  constexpr int kSTiles = BKV / 8; // n tiles of the scores
  constexpr int kOTiles = DV / 8;  // n tiles of the output
  const int h = blockIdx.y, j = h / (heads / kvHeads);
  const int t0 = blockIdx.x * BQ;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int group = lane / 4, quad = lane % 4;
  const long qStride = long(heads) * DQ; // between tokens
  const long kStride = long(kvHeads) * dk, vStride = long(kvHeads) * DV;
  gptr<const T> kHead = k + long(j) * dk;
  gptr<const T> vHead = v + long(j) * DV;
  sptr<T> kTiles = smem, vTiles = smem + 2 * Shape::kTileK;

  // Q through shared memory (it overlaps the stages) into registers.
  loadRows<T, kThreads, BQ, DQ>(smem, q + long(t0) * qStride + long(h) * DQ, q,
                                DQ, 0, qStride, 0, tokens - t0, vec);
  cp_async_commit();
  cp_async_wait<0>();
  __syncthreads();
  unsigned qf[kQTiles][4];
  {
    int row = warp * 16 + lane % 8 + 8 * ((lane / 8) % 2);
    for (int kc = 0; kc < kQTiles; ++kc)
      ldmatrix_x4(qf[kc], smem + RQ::chunk(row, 2 * kc + lane / 16));
  }
  __syncthreads();

  const int pos0 = S - tokens + t0 + warp * 16 + group; // row `group`

  // The visited tiles are walked twice: pass 1 (steps [0, count)) streams
  // K only for the row max and sum, pass 2 (steps [count, 2 count)) K and
  // V. Step n goes to stage n % 2 as two cp.async groups, K then V (empty
  // in pass 1), so the waits are the same in both passes and pass 2's first
  // tile lands during pass 1's last.
  auto issue = [&](int step) {
    if (step < 2 * vis.count) {
      const bool second = step >= vis.count;
      int key0 = vis.tile(second ? step - vis.count : step) * BKV;
      loadRows<T, kThreads, BKV, DQ>(kTiles + (step & 1) * Shape::kTileK, kHead,
                                     sharedKey, dk, dr, kStride, key0, S, vec);
      cp_async_commit();
      if (second)
        loadRows<T, kThreads, BKV, DV>(vTiles + (step & 1) * Shape::kTileV,
                                       vHead, vHead, DV, 0, vStride, key0, S,
                                       vec);
      cp_async_commit();
    } else {
      cp_async_commit();
      cp_async_commit();
    }
  };
  // The scores of the tile at key0 from the K stage `kt` with the
  // reference's rounding, masked keys -inf.
  auto scores = [&](float s[kSTiles][4], sptr<T> kt, int key0) {
    for (int n8 = 0; n8 < kSTiles; ++n8)
      for (int e = 0; e < 4; ++e)
        s[n8][e] = 0.0f;
    // S = Q·Kᵀ: per pair of 8-key n tiles, ldmatrix.x4 gives both B
    // fragments (matrices: keys 0-7 k 0-7, keys 0-7 k 8-15, keys 8-15 ...).
    for (int kc = 0; kc < kQTiles; ++kc)
      for (int np = 0; np < kSTiles / 2; ++np) {
        int m = lane / 8;
        int row = 16 * np + (m / 2) * 8 + lane % 8;
        unsigned b[4];
        ldmatrix_x4(b, kt + RQ::chunk(row, 2 * kc + m % 2));
        mma16816<T>(s[2 * np], qf[kc], b);
        mma16816<T>(s[2 * np + 1], qf[kc], b + 2);
      }
    const bool whole = vis.whole(key0);
    for (int n8 = 0; n8 < kSTiles; ++n8)
      for (int e = 0; e < 4; ++e) {
        float x = roundTo<T>(roundTo<T>(s[n8][e]) * scale);
        if (!whole &&
            !vis.admits(pos0 + 8 * (e / 2), key0 + n8 * 8 + 2 * quad + (e & 1)))
          x = negInf();
        s[n8][e] = x;
      }
  };

  // Pass 1: the row max m and the sum l of exp(score - m) (fp32, l
  // rescaled when m grows; a quad's lanes share m, each sums its keys).
  float rowMax[2] = {negInf(), negInf()}, rowSum[2] = {0.0f, 0.0f};
  issue(0);
  for (int n = 0; n < vis.count; ++n) {
    issue(n + 1);
    cp_async_wait<3>(); // K of step n
    __syncthreads();
    float s[kSTiles][4];
    scores(s, kTiles + (n & 1) * Shape::kTileK, vis.tile(n) * BKV);
    float tileMax[2] = {negInf(), negInf()};
    for (int n8 = 0; n8 < kSTiles; ++n8)
      for (int e = 0; e < 4; ++e)
        tileMax[e / 2] = fmaxf(tileMax[e / 2], s[n8][e]);
    float base[2];
    for (int r = 0; r < 2; ++r) {
      tileMax[r] =
          fmaxf(tileMax[r], __shfl_xor_sync(0xffffffffu, tileMax[r], 1));
      tileMax[r] =
          fmaxf(tileMax[r], __shfl_xor_sync(0xffffffffu, tileMax[r], 2));
      float next = fmaxf(rowMax[r], tileMax[r]);
      base[r] = next == negInf() ? 0.0f : next;
      rowSum[r] *= expf(rowMax[r] - base[r]);
      rowMax[r] = next;
    }
    for (int n8 = 0; n8 < kSTiles; ++n8)
      for (int e = 0; e < 4; ++e)
        rowSum[e / 2] += expf(s[n8][e] - base[e / 2]);
    __syncthreads(); // the stage is free for step n + 2
  }
  float base[2], sum[2];
  for (int r = 0; r < 2; ++r) {
    float l = rowSum[r];
    l += __shfl_xor_sync(0xffffffffu, l, 1);
    l += __shfl_xor_sync(0xffffffffu, l, 2);
    sum[r] = l;
    base[r] = rowMax[r] == negInf() ? 0.0f : rowMax[r];
  }

  // Pass 2: p = round_T(exp(score - m) / l), O += P·V in fp32.
  float acc[kOTiles][4];
  for (int n = 0; n < kOTiles; ++n)
    for (int e = 0; e < 4; ++e)
      acc[n][e] = 0.0f;
  for (int n = 0; n < vis.count; ++n) {
    const int step = vis.count + n;
    issue(step + 1);
    sptr<T> vt = vTiles + (step & 1) * Shape::kTileV;
    cp_async_wait<3>(); // K of step `step`
    __syncthreads();
    float s[kSTiles][4];
    scores(s, kTiles + (step & 1) * Shape::kTileK, vis.tile(n) * BKV);
    for (int n8 = 0; n8 < kSTiles; ++n8)
      for (int e = 0; e < 4; ++e) {
        float l = sum[e / 2];
        s[n8][e] = l > 0.0f ? expf(s[n8][e] - base[e / 2]) / l : 0.0f;
      }

    cp_async_wait<2>(); // V of step `step`
    __syncthreads();

    // O += P·V: the scores' accumulator layout is the A fragment of P (two
    // 8-key n tiles per 16-key k step); V's B fragments by ldmatrix.trans.
    for (int kc = 0; kc < BKV / 16; ++kc) {
      unsigned a[4];
      a[0] = pack2<T>(s[2 * kc][0], s[2 * kc][1]);
      a[1] = pack2<T>(s[2 * kc][2], s[2 * kc][3]);
      a[2] = pack2<T>(s[2 * kc + 1][0], s[2 * kc + 1][1]);
      a[3] = pack2<T>(s[2 * kc + 1][2], s[2 * kc + 1][3]);
      for (int dp = 0; dp < kOTiles / 2; ++dp) {
        int m = lane / 8;
        int row = 16 * kc + (m % 2) * 8 + lane % 8;
        unsigned b[4];
        ldmatrix_x4_trans(b, vt + RV::chunk(row, 2 * dp + m / 2));
        mma16816<T>(acc[2 * dp], a, b);
        mma16816<T>(acc[2 * dp + 1], a, b + 2);
      }
      if constexpr (kOTiles % 2 == 1) {
        int row = 16 * kc + lane % 16;
        unsigned b[2];
        ldmatrix_x2_trans(b, vt + RV::chunk(row, kOTiles - 1));
        mma16816<T>(acc[kOTiles - 1], a, b);
      }
    }
    __syncthreads(); // the stage is free for step `step` + 2
  }
  cp_async_wait<0>();

  // Round once, stage the tile in shared memory, write 16-byte rows.
  for (int n = 0; n < kOTiles; ++n)
    for (int r = 0; r < 2; ++r) {
      int row = warp * 16 + group + 8 * r;
      ptr_cast<unsigned>(smem + RV::chunk(row, n) + 2 * quad)[0] =
          pack2<T>(acc[n][2 * r], acc[n][2 * r + 1]);
    }
  __syncthreads();
  gptr<T> out = o + long(t0) * heads * DV + long(h) * DV;
  const long oStride = long(heads) * DV;
  if (vec) {
    for (int i = threadIdx.x; i < BQ * RV::kChunks; i += kThreads) {
      int row = i / RV::kChunks, c = i % RV::kChunks;
      if (t0 + row < tokens)
        ptr_cast<uint4>(out + (row * oStride + 8 * c))[0] =
            uint4(ptr_cast<uint4>(smem + RV::chunk(row, c))[0]);
    }
  } else {
    for (int i = threadIdx.x; i < BQ * DV; i += kThreads) {
      int row = i / DV, d = i % DV;
      if (t0 + row < tokens)
        out[row * oStride + d] = T(smem[RV::chunk(row, d / 8) + d % 8]);
    }
  }
}

//===- The FFMA path -----------------------------------------------------===//

template <int BQ, int BKV, int DQ, int DV> struct FfmaShape {
  static constexpr int kKStride = DQ | 1; ///< odd: lanes read rows apart
  static constexpr int kTileK = BKV * kKStride;
  static constexpr int kTileV = BKV * DV;
  static constexpr int kQ = BQ * DQ, kP = BQ * BKV;
  static constexpr int kFloats = kQ + kP + 2 * (kTileK + kTileV);
  static constexpr int kBytes = kFloats * 4;
};

/// Rows of D values (a then b) of the tile at key0 into fp32 shared rows of
/// `stride`: 4-byte cp.async for float, converting loads otherwise.
template <class T, int kThreads, int BKV, int D>
DS_DEVICE void loadFloats(sptr<float> tile, int stride, gptr<const T> a,
                          gptr<const T> b, int da, int db, long strideA,
                          int key0, int S) {
  for (int i = threadIdx.x; i < BKV * D; i += kThreads) {
    int row = i / D, d = i % D, key = key0 + row;
    if constexpr (IsFloat<T>::value) {
      gptr<const T> src = a;
      int bytes = 0;
      if (key < S) {
        bytes = 4;
        src = d < da ? a + (long(key) * strideA + d)
                     : b + (long(key) * db + (d - da));
      }
      cp_async<4>(tile + (row * stride + d), src, bytes);
    } else {
      float value = 0.0f;
      if (key < S)
        value = d < da ? toFloat(T(a[long(key) * strideA + d]))
                       : toFloat(T(b[long(key) * db + (d - da)]));
      tile[row * stride + d] = value;
    }
  }
}

template <class T, int BQ, int BKV, int kWarps, int DQ, int DV>
DS_DEVICE void attentionFfma(gptr<const T> q, gptr<const T> k, gptr<const T> v,
                             gptr<const T> sharedKey, gptr<T> o, int tokens,
                             int S, int heads, int kvHeads, int dk, int dr,
                             float scale, const Visible &vis,
                             sptr<float> smem) {
  using Shape = FfmaShape<BQ, BKV, DQ, DV>;
  constexpr int kThreads = kWarps * 32;
  constexpr int kRows = BQ / kWarps; // rows per warp
  // BKV >= 32: lane l scores keys l, l + 32, ...; BKV < 32: kSplit lanes
  // share a key, each summing every kSplit-th element of the dot product.
  constexpr int kKeys = BKV >= 32 ? BKV / 32 : 1; // keys per lane
  constexpr int kSplit = BKV >= 32 ? 1 : 32 / BKV;
  constexpr int kCols = (DV + 31) / 32; // output columns per lane
  const int h = blockIdx.y, j = h / (heads / kvHeads);
  const int t0 = blockIdx.x * BQ;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int mine = kSplit == 1 ? lane : lane % BKV; // the lane's first key
  const int part = kSplit == 1 ? 0 : lane / BKV;    // its share of the dot
  const long qStride = long(heads) * DQ;
  const long kStride = long(kvHeads) * dk, vStride = long(kvHeads) * DV;
  gptr<const T> kHead = k + long(j) * dk;
  gptr<const T> vHead = v + long(j) * DV;
  sptr<float> qs = smem, ps = smem + Shape::kQ;
  sptr<float> kTiles = ps + Shape::kP, vTiles = kTiles + 2 * Shape::kTileK;

  for (int i = threadIdx.x; i < BQ * DQ; i += kThreads) {
    int row = i / DQ, d = i % DQ;
    qs[i] = t0 + row < tokens
                ? toFloat(T(q[(t0 + row) * qStride + long(h) * DQ + d]))
                : 0.0f;
  }

  const int row0 = warp * kRows;
  const int pos0 = S - tokens + t0 + row0;

  // Two passes over the visited tiles as on the tensor-core path: steps
  // [0, count) bring K only, steps [count, 2 count) K and V; step n goes to
  // stage n % 2, one cp.async group per step.
  auto issue = [&](int step) {
    if (step < 2 * vis.count) {
      const bool second = step >= vis.count;
      int key0 = vis.tile(second ? step - vis.count : step) * BKV;
      loadFloats<T, kThreads, BKV, DQ>(kTiles + (step & 1) * Shape::kTileK,
                                       Shape::kKStride, kHead, sharedKey, dk,
                                       dr, kStride, key0, S);
      if (second)
        loadFloats<T, kThreads, BKV, DV>(vTiles + (step & 1) * Shape::kTileV,
                                         DV, vHead, vHead, DV, 0, vStride, key0,
                                         S);
    }
    cp_async_commit();
  };
  // The scores of the lane's keys of the tile at key0 with the reference's
  // rounding, masked keys -inf (every lane of a key's kSplit holds it).
  auto scores = [&](float s[kRows][kKeys], sptr<const float> kt, int key0) {
    for (int r = 0; r < kRows; ++r)
      for (int i = 0; i < kKeys; ++i)
        s[r][i] = 0.0f;
    for (int d = part; d < DQ; d += kSplit) {
      float kv[kKeys];
      for (int i = 0; i < kKeys; ++i)
        kv[i] = kt[(32 * i + mine) * Shape::kKStride + d];
      for (int r = 0; r < kRows; ++r) {
        float qv = qs[(row0 + r) * DQ + d];
        for (int i = 0; i < kKeys; ++i)
          s[r][i] += qv * kv[i];
      }
    }
    for (int offset = BKV; offset < 32; offset *= 2) // kSplit > 1
      for (int r = 0; r < kRows; ++r)
        s[r][0] += __shfl_xor_sync(0xffffffffu, s[r][0], offset);
    const bool whole = vis.whole(key0);
    for (int r = 0; r < kRows; ++r)
      for (int i = 0; i < kKeys; ++i) {
        float x = roundTo<T>(roundTo<T>(s[r][i]) * scale);
        if (!whole && !vis.admits(pos0 + r, key0 + 32 * i + mine))
          x = negInf();
        s[r][i] = x;
      }
  };

  // Pass 1: the row max m and the sum l of exp(score - m) (fp32, l
  // rescaled when m grows; the lanes of part 0 sum their keys).
  float rowMax[kRows], rowSum[kRows];
  for (int r = 0; r < kRows; ++r) {
    rowMax[r] = negInf();
    rowSum[r] = 0.0f;
  }
  issue(0);
  for (int n = 0; n < vis.count; ++n) {
    issue(n + 1);
    cp_async_wait<1>(); // step n
    __syncthreads();
    float s[kRows][kKeys];
    scores(s, kTiles + (n & 1) * Shape::kTileK, vis.tile(n) * BKV);
    for (int r = 0; r < kRows; ++r) {
      float tileMax = negInf();
      for (int i = 0; i < kKeys; ++i)
        tileMax = fmaxf(tileMax, s[r][i]);
      for (int offset = 16; offset > 0; offset /= 2)
        tileMax = fmaxf(tileMax, __shfl_xor_sync(0xffffffffu, tileMax, offset));
      float next = fmaxf(rowMax[r], tileMax);
      float base = next == negInf() ? 0.0f : next;
      rowSum[r] *= expf(rowMax[r] - base);
      rowMax[r] = next;
      if (part == 0)
        for (int i = 0; i < kKeys; ++i)
          rowSum[r] += expf(s[r][i] - base);
    }
    __syncthreads(); // the stage is free for step n + 2
  }
  for (int r = 0; r < kRows; ++r) {
    for (int offset = 16; offset > 0; offset /= 2)
      rowSum[r] += __shfl_xor_sync(0xffffffffu, rowSum[r], offset);
    if (rowMax[r] == negInf())
      rowMax[r] = 0.0f;
  }

  // Pass 2: p = round_T(exp(score - m) / l) through shared memory, O += P·V
  // in fp32.
  float acc[kRows][kCols];
  for (int r = 0; r < kRows; ++r)
    for (int c = 0; c < kCols; ++c)
      acc[r][c] = 0.0f;
  for (int n = 0; n < vis.count; ++n) {
    const int step = vis.count + n;
    issue(step + 1);
    sptr<const float> vt = vTiles + (step & 1) * Shape::kTileV;
    cp_async_wait<1>(); // step `step`
    __syncthreads();
    float s[kRows][kKeys];
    scores(s, kTiles + (step & 1) * Shape::kTileK, vis.tile(n) * BKV);
    if (part == 0)
      for (int r = 0; r < kRows; ++r)
        for (int i = 0; i < kKeys; ++i) {
          float l = rowSum[r];
          float p = l > 0.0f ? expf(s[r][i] - rowMax[r]) / l : 0.0f;
          ps[(row0 + r) * BKV + 32 * i + mine] = roundTo<T>(p);
        }
    __syncthreads();
    for (int key = 0; key < BKV; ++key) {
      float vv[kCols];
      for (int c = 0; c < kCols; ++c)
        vv[c] = DV % 32 == 0 || 32 * c + lane < DV
                    ? float(vt[key * DV + 32 * c + lane])
                    : 0.0f;
      for (int r = 0; r < kRows; ++r) {
        float p = ps[(row0 + r) * BKV + key];
        for (int c = 0; c < kCols; ++c)
          acc[r][c] += p * vv[c];
      }
    }
    __syncthreads(); // the stage and P are free
  }
  cp_async_wait<0>();

  for (int r = 0; r < kRows; ++r) {
    int t = t0 + row0 + r;
    if (t < tokens)
      for (int c = 0; c < kCols; ++c)
        if (32 * c + lane < DV)
          o[(long(t) * heads + h) * DV + 32 * c + lane] =
              fromFloat<T>(acc[r][c]);
  }
}

} // namespace attention_detail

/// Static shared memory of attentionKernel<T, BQ, BKV, kWarps, DQ, DV>.
template <class T, int BQ, int BKV, int kWarps, int DQ, int DV>
__host__ __device__ constexpr int attentionSharedBytes() {
  if constexpr (attention_detail::UsesMma<T, DQ, DV>::value)
    return attention_detail::MmaShape<T, BQ, BKV, DQ, DV>::kBytes;
  else
    return attention_detail::FfmaShape<BQ, BKV, DQ, DV>::kBytes;
}

/// kernel.attention (see the file comment): grid (ceil(tokens / BQ), heads),
/// block kWarps * 32. dk + dr == DQ; sharedKey null iff dr == 0; heads a
/// multiple of kvHeads; keys >= tokens >= 1; windowKind 0..3 with
/// windowSize >= 1 (1..3) and windowSinks >= 1 (3). kBlockSparse: visit
/// only the tiles holding a visible key, else every causal tile.
template <class T, int BQ, int BKV, int kWarps, int DQ, int DV,
          bool kBlockSparse>
DS_DEVICE void attentionKernel(gptr<const T> q, gptr<const T> k,
                               gptr<const T> v, gptr<const T> sharedKey,
                               gptr<T> o, int tokens, int keys, int heads,
                               int kvHeads, int dk, int dr, float scale,
                               int windowKind, int windowSize, int windowSinks,
                               gptr<unsigned> visitedTiles) {
  using namespace attention_detail;
  constexpr int kBytes = attentionSharedBytes<T, BQ, BKV, kWarps, DQ, DV>();
  static_assert(kBytes <= 48 * 1024, "static shared memory above 48 KiB");
  static_assert(DQ >= 1 && DV >= 1 && DQ <= 256 && DV <= 256,
                "head dims 1 .. 256");
  Visible vis;
  vis.init(tokens, keys, int(blockIdx.x) * BQ, BQ, BKV, windowKind, windowSize,
           windowSinks, kBlockSparse);
  if (visitedTiles && threadIdx.x == 0)
    atomicAdd(visitedTiles, unsigned(vis.count));
  if constexpr (UsesMma<T, DQ, DV>::value) {
    static_assert(BQ == 16 * kWarps, "each warp owns 16 query rows");
    static_assert(BKV % 16 == 0, "BKV: whole 16-key mma steps");
    // uint4 storage: 16-byte aligned, trivially constructible.
    DS_SHARED(uint4, smem, (MmaShape<T, BQ, BKV, DQ, DV>::kBytes + 15) / 16);
    bool vec = dk % 8 == 0 && dr % 8 == 0 && aligned16(raw(q)) &&
               aligned16(raw(k)) && aligned16(raw(v)) &&
               aligned16(raw(sharedKey)) && aligned16(raw(o));
    attentionMma<T, BQ, BKV, kWarps, DQ, DV>(
        q, k, v, sharedKey, o, tokens, keys, heads, kvHeads, dk, dr, scale, vis,
        vec, ptr_cast<T>(smem));
  } else {
    static_assert(BQ % kWarps == 0, "whole rows per warp");
    static_assert(BKV % 32 == 0 || BKV == 16 || BKV == 8,
                  "BKV: whole keys per lane, or a key per 2 or 4 lanes");
    DS_SHARED(float, smem, (FfmaShape<BQ, BKV, DQ, DV>::kFloats));
    attentionFfma<T, BQ, BKV, kWarps, DQ, DV>(q, k, v, sharedKey, o, tokens,
                                              keys, heads, kvHeads, dk, dr,
                                              scale, vis, smem);
  }
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_ATTENTION_CUH
