//===- gemm.cuh - kernel.gemm and kernel.grouped_gemm ---------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// C[M, N] = A[M, K] · W[N, K]ᵀ (+ bias[N]) (kernel.gemm, the reference
// ds::cpu::linear) and its per-expert form over expert-sorted rows
// (kernel.grouped_gemm, ds::cpu::groupedMatmul), optionally with the fused
// SwiGLU epilogue (below). One CTA computes a BM × BN tile of C (BM × BN / 2
// with SwiGLU); both kernels run the same main loop (gemmTile) over a row
// range and a weight base.
//
//   gemmKernel:        grid.x = ceil(M / BM), grid.y = ceil(N / BN)
//   groupedGemmKernel: grid.x = ceil((R + E·(BM − 1)) / BM),
//                      grid.y = ceil(N / BN)
//   (N = the weight's rows, also with SwiGLU)
//   both:              block = kWarpsM · kWarpsN · 32 threads (1-D)
//
// Static shared memory: gemmSharedBytes<TA, BM, BN, BK, kStages>() =
// kStages · (BM + BN) · BK · sizeof(TA) bytes (at most 48 KiB, checked at
// compile time), reused for the C tile in the epilogue.
//
// Paths, chosen at compile time from the element types:
//   - TA = bf16 / f16 (tensor cores): A and W tiles in shared as TA, 16-byte
//     chunks XOR-swizzled per row (chunk ^ (row / rowsPer128B) % chunks) so
//     that ldmatrix's eight 16-byte rows and the cp.async stores hit eight
//     different bank quads; warp tile (BM / kWarpsM) × (BN / kWarpsN) of
//     mma.sync m16n8k16 (fp32 accumulators) fed by ldmatrix.x4.
//   - TA = f32: the same pipeline with fp32 tiles (swizzled the same way)
//     and an FFMA register tile per thread ((BM / kWarpsM / 8) ×
//     (BN / kWarpsN / 4) outputs, lanes 8 along M × 4 along N).
//   - A, and W when it is stored as TA: a kStages-deep cp.async ring (16-byte
//     copies, zero-filled past M / N / K). Rows whose byte length is not a
//     multiple of 16 (or a base not 16-byte aligned) take a scalar path that
//     loads and stores the same tile synchronously.
//   - W in another format (fp8 e4m3 bytes, int8, int4 packed two per byte as
//     ds::DType::I4 packs them: element i of the flat [.., N, K] tensor is
//     nibble i % 2 of byte i / 2; or a dense type other than TA): 16-byte
//     global loads of the packed tile into registers one tile ahead of the
//     shared store, decoded and multiplied by its block scale
//     scales[n / quantBlockRows, k / quantBlockCols] in fp32 and stored to
//     shared as TA: no separate pass over the weights.
//   - Epilogue: bias (any float type) added in fp32 to the accumulator, one
//     rounding to TC (or the SwiGLU epilogue below), staged through shared
//     and written with 16-byte stores when the C tile fits the pipeline
//     buffers (else fragment stores).
//
// Rounding points and what differs from the reference (runtime/cpu/
// linear.cpp: fp32 sums in increasing k, dequantization in fp32, bias in
// fp32, one rounding):
//   - tensor cores sum each 16-wide k slice in their own order (the sim's
//     emulation sums in k order, so it reproduces the reference's order);
//   - on the tensor-core path a quantized (or non-TA dense) weight is
//     rounded to TA after decode · scale (the reference keeps it in fp32):
//     the f32 path keeps it in fp32 and sums in increasing k, so it matches
//     the reference up to FMA contraction.
//
// Grouped: offsets [E + 1] (int32, on the device; rows of expert e are
// offsets[e] .. offsets[e + 1], non-decreasing, offsets[E] = R) are scanned
// by every warp (32 experts per step with shuffles and a ballot) to map
// blockIdx.x to (expert, row tile); a CTA past the last tile returns before
// any barrier. scales (when quantized) are [E, ceil(N / bR), ceil(K / bC)].
//
// The fused SwiGLU epilogue (kSwiGLU, the last template parameter of
// gemmKernel, groupedGemmKernel, gemmSupports and gemmTile; moe-fuse-gate-up):
// w has N rows (N even; grouped [E, N, K]), the plain concatenation of the
// gate projection (rows [0, N / 2)) and the up projection (rows [N / 2, N));
// scales likewise ([ceil(N / bR), ceil(K / bC)] per expert, the caller
// guarantees (N / 2) % bR == 0); bias is null. c is [M, N / 2] (grouped
// [R, N / 2]), row stride N / 2, and
//   c[m, j] = round_TC(silu(g) · u),  g = round_TC(acc(m, j)),
//                                     u = round_TC(acc(m, N / 2 + j))
// with acc the fp32 dot product above and silu(g) · u elementwise.cuh's
// swigluValue (the reference's formula and rounding, runtime/cpu/
// elementwise.cpp): the result is that of two unfused gemms and swiglu.
// The grid keeps its formula over the weight rows N: grid.y = ceil(N / BN),
// CTA y writes the BN / 2 output columns from y · BN / 2. Its BN-row W tile
// holds both halves of those columns, in groups of 16 tile rows: tile rows
// 16i .. 16i + 7 are gate rows y · BN / 2 + 8i + 0..7 and 16i + 8 .. 16i + 15
// the up rows N / 2 + y · BN / 2 + 8i + 0..7 (gemm_detail::pairedRow; both
// W loaders, cp.async and the register-staged decode, read that row and its
// scale; rows of output columns >= N / 2 are zero like rows past N). With a
// warp N extent of whole 16-row groups (gemmSupports checks BN / kWarpsN %
// 16 == 0), the gate and up accumulators of one output element are in the
// same thread: mma fragments ni and ni + 1 (ni even; n8 fragments, 8 tile
// rows apart), FFMA register columns j and j + 2 (j % 4 < 2; a thread's
// columns are 4 tile rows apart, so these are 8 apart). So the epilogue needs
// no exchange through shared memory and the main loop is unchanged; the result
// tile (BM × BN / 2) is staged through shared for 16-byte stores as above.
// Interleaving in groups of 8 (not halves of the tile) keeps every warp's gate
// and up rows within its own warp tile for any kWarpsN.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_GEMM_CUH
#define DS_CODEGEN_CUDA_GEMM_CUH

#include "codegen/cuda/ds_async.cuh"
#include "codegen/cuda/ds_convert.cuh"
#include "codegen/cuda/ds_mma.cuh"
#include "codegen/cuda/elementwise.cuh"

#if defined(__CUDACC__)
#define DS_GEMM_UNROLL _Pragma("unroll")
#define DS_GEMM_UNROLL_2 _Pragma("unroll 2")
#define DS_GEMM_NO_UNROLL _Pragma("unroll 1")
#else
#define DS_GEMM_NO_UNROLL
#define DS_GEMM_UNROLL_2
#define DS_GEMM_UNROLL
#endif

namespace ds {

/// How W is stored: dense (TW is bf16, f16 or f32) or one of #moe.quant's
/// schemes (TW is a byte type: unsigned char for fp8 e4m3 and packed int4,
/// signed char for int8).
enum class GemmQuant { None, Fp8E4M3, Int8, Int4 };

namespace gemm_detail {

__host__ __device__ constexpr bool isPowerOfTwo(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}

/// Storage bits of one weight element.
template <class TW, GemmQuant kQuant>
__host__ __device__ constexpr int weightBits() {
  return kQuant == GemmQuant::Int4   ? 4
         : kQuant == GemmQuant::None ? int(sizeof(TW)) * 8
                                     : 8;
}

/// The compile-time shape of one configuration.
template <class TA, class TW, GemmQuant kQuant, int BM, int BN, int BK,
          int kStages, int kWarpsM, int kWarpsN, bool kSwiGLUEpilogue = false>
struct Config {
  static constexpr bool kMma = !IsSame<TA, float>::value;
  static constexpr bool kSwiGLU = kSwiGLUEpilogue;
  /// Columns of C per CTA: BN, or BN / 2 when the SwiGLU epilogue pairs the
  /// tile's gate and up rows.
  static constexpr int kBNOut = kSwiGLU ? BN / 2 : BN;
  static constexpr int kThreads = kWarpsM * kWarpsN * 32;
  /// W is copied as it is stored (cp.async), else decoded through registers.
  static constexpr bool kDirectW =
      kQuant == GemmQuant::None && IsSame<TW, TA>::value;
  static constexpr int kElems16 = 16 / int(sizeof(TA)); // per shared chunk
  static constexpr int kChunks = BK / kElems16; // shared chunks per tile row
  static constexpr int kWBits = weightBits<TW, kQuant>();
  static constexpr int kRawElems = 128 / kWBits;    // per 16-byte global chunk
  static constexpr int kRawChunks = BK / kRawElems; // per W tile row
  static constexpr int kRawTotal = BN * kRawChunks;
  static constexpr int kRawIters = (kRawTotal + kThreads - 1) / kThreads;
  static constexpr int kWM = BM / kWarpsM, kWN = BN / kWarpsN;
  // Tensor cores: m16n8 fragments per warp. FFMA: outputs per thread.
  static constexpr int kMI = kWM / 16, kNI = kWN / 8;
  static constexpr int kTM = kWM / 8, kTN = kWN / 4;
  static constexpr int kStageA = BM * BK, kStageW = BN * BK;
  static constexpr int kSharedBytes =
      kStages * (BM + BN) * BK * int(sizeof(TA));

  static constexpr bool kTypesOk =
      (IsSame<TA, __nv_bfloat16>::value || IsSame<TA, __half>::value ||
       IsSame<TA, float>::value) &&
      (kQuant == GemmQuant::None
           ? (IsSame<TW, __nv_bfloat16>::value || IsSame<TW, __half>::value ||
              IsSame<TW, float>::value)
           : sizeof(TW) == 1);
  static constexpr bool kTileOk =
      kStages >= 2 && BK % 16 == 0 && isPowerOfTwo(kChunks) &&
      kRawChunks >= 1 && BK % kRawElems == 0 && kWarpsM >= 1 && kWarpsN >= 1 &&
      kThreads <= 1024 &&
      (kMma ? (kWM % 16 == 0 && kWN % 16 == 0)
            : (kWM % 8 == 0 && kWN % 4 == 0 && kWM > 0 && kWN > 0)) &&
      // SwiGLU: every warp's N extent is whole groups of 8 gate + 8 up rows.
      (!kSwiGLU || kWN % 16 == 0);
  static constexpr bool kSharedOk = kSharedBytes <= 48 * 1024;
};

/// The SwiGLU epilogue's W tile: tile rows 16i .. 16i + 7 hold gate rows
/// and 16i + 8 .. 16i + 15 the up rows of the CTA's output columns 8i .. 8i
/// + 7. pairedOutCol(r) is the output column (CTA-local) of tile row r,
/// pairedRow(r, half) its weight row relative to the CTA's first output
/// column (`half` = N / 2, the up half's first row).
DS_DEVICE int pairedOutCol(int r) { return (r / 16) * 8 + r % 8; }
DS_DEVICE int pairedRow(int r, int half) {
  return (r % 16 < 8 ? 0 : half) + pairedOutCol(r);
}

/// Index of 16-byte chunk `chunk` of tile row `row` (kChunks chunks a row):
/// XOR-swizzled so that eight consecutive rows at one logical chunk fall in
/// eight different 16-byte bank groups.
template <int kChunks> DS_DEVICE int swizzle(int row, int chunk) {
  constexpr int kRowsPerLine = kChunks >= 8 ? 1 : 8 / kChunks;
  return row * kChunks + (chunk ^ ((row / kRowsPerLine) % kChunks));
}

/// Element offset of (row, k) in a swizzled tile of kChunks chunks a row.
template <class T, int kChunks> DS_DEVICE int tileOffset(int row, int k) {
  constexpr int kE = 16 / int(sizeof(T));
  return swizzle<kChunks>(row, k / kE) * kE + k % kE;
}

DS_DEVICE unsigned bitsOf(float v) { return __float_as_uint(v); }
DS_DEVICE unsigned bitsOf(__nv_bfloat16 v) { return __bfloat16_as_ushort(v); }
DS_DEVICE unsigned bitsOf(__half v) { return __half_as_ushort(v); }

/// float -> the bits of T (round to nearest even).
template <class T> DS_DEVICE unsigned encode(float v) {
  return bitsOf(fromFloat<T>(v));
}

DS_DEVICE bool aligned16(const void *p) {
  return reinterpret_cast<unsigned long long>(p) % 16 == 0;
}

/// F8_E4M3 (E4M3FN) bits -> float, exact; 0x7F / 0xFF are NaN.
DS_DEVICE float e4m3ToFloat(unsigned b) {
  unsigned mag = b & 0x7fu;
  float v = mag >= 8u ? __uint_as_float((mag + (120u << 3)) << 20)
                      : float(mag) * 0.001953125f; // subnormal: m · 2^-9
  if (mag == 0x7fu)
    v = __uint_as_float(0x7fc00000u);
  return (b & 0x80u) ? -v : v;
}

/// One stored weight element (its kWBits bits, low-aligned) -> float.
template <class TW, GemmQuant kQuant> DS_DEVICE float decodeWeight(unsigned b) {
  if constexpr (kQuant == GemmQuant::Fp8E4M3)
    return e4m3ToFloat(b);
  else if constexpr (kQuant == GemmQuant::Int8)
    return float(int(b << 24) >> 24);
  else if constexpr (kQuant == GemmQuant::Int4)
    return float(int(b << 28) >> 28);
  else if constexpr (IsSame<TW, float>::value)
    return __uint_as_float(b);
  else if constexpr (IsSame<TW, __nv_bfloat16>::value)
    return __uint_as_float(b << 16);
  else
    return __half2float(__ushort_as_half(static_cast<unsigned short>(b)));
}

DS_DEVICE unsigned word(const uint4 &v, int i) {
  return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w;
}

/// The bits of element `i` of T at `p` (a checked global load).
template <class T> DS_DEVICE unsigned loadBits(gptr<const T> p) {
  return bitsOf(ld_global(p));
}

/// A tile of kRows rows × BK elements of T (row-major source, K elements a
/// row, rows >= rowsValid and k >= K zero) into the swizzled shared tile
/// `dst`: cp.async when `vec` (rows 16-byte aligned and K a multiple of the
/// chunk), else synchronous scalar loads. kPaired: tile row r is source row
/// pairedRow(r, half), valid when pairedOutCol(r) < rowsValid (the SwiGLU
/// W tile).
template <class T, int kRows, int BK, int kThreads, bool kPaired = false>
DS_DEVICE void loadTile(sptr<T> dst, gptr<const T> src, int rowsValid, int k0,
                        int K, bool vec, int half = 0) {
  constexpr int kE = 16 / int(sizeof(T));
  constexpr int kChunks = BK / kE;
  constexpr int kTotal = kRows * kChunks;
  DS_GEMM_UNROLL
  for (int it = 0; it < (kTotal + kThreads - 1) / kThreads; ++it) {
    int idx = int(threadIdx.x) + it * kThreads;
    if (kTotal % kThreads != 0 && idx >= kTotal)
      break;
    int r = idx / kChunks, ch = idx % kChunks;
    int k = k0 + ch * kE;
    sptr<T> d = dst + swizzle<kChunks>(r, ch) * kE;
    bool rowOk = (kPaired ? pairedOutCol(r) : r) < rowsValid;
    int srcRow = kPaired ? pairedRow(r, half) : r;
    if (vec) {
      bool ok = rowOk && k < K;
      cp_async<16>(d, ok ? src + long(srcRow) * K + k : src, ok ? 16 : 0);
    } else {
      unsigned w[4] = {0u, 0u, 0u, 0u};
      DS_GEMM_UNROLL
      for (int j = 0; j < kE; ++j)
        if (rowOk && k + j < K) {
          unsigned b = loadBits(src + long(srcRow) * K + k + j);
          if constexpr (kE == 4)
            w[j] = b;
          else
            w[j / 2] |= b << (16 * (j % 2));
        }
      st_shared(ptr_cast<uint4>(d), make_uint4(w[0], w[1], w[2], w[3]));
    }
  }
}

/// The register-staged loader of a W tile that is not stored as TA: fetch()
/// issues the 16-byte global loads of the packed tile, store() decodes,
/// scales and writes it to shared as TA (the caller runs fetch one tile
/// ahead of store).
template <class TA, class TW, class TS, GemmQuant kQuant, class Cfg>
struct WeightStager {
  uint4 packed[Cfg::kRawIters];
  float scale[Cfg::kRawIters];

  /// The weight row of tile row n: row0 + n, or with the SwiGLU epilogue
  /// row0 + pairedRow(n, half) (row0 is then the first output column).
  static DS_DEVICE int rowOf(int row0, int n, int half) {
    return row0 + (Cfg::kSwiGLU ? pairedRow(n, half) : n);
  }
  /// Whether tile row n holds a weight row (nValid rows, or with the SwiGLU
  /// epilogue nValid output columns).
  static DS_DEVICE bool validRow(int n, int nValid) {
    return (Cfg::kSwiGLU ? pairedOutCol(n) : n) < nValid;
  }

  /// `w` is the byte view of the weight; element (n, k) of this CTA's W is
  /// flat element base + rowOf(row0, n, half) · K + k, its scale
  /// scales[rowOf(row0, n, half) / qbr, k / qbc].
  DS_DEVICE void fetch(gptr<const unsigned char> w, long base, int row0,
                       int nValid, int half, int k0, int K, bool vec,
                       gptr<const TS> scales, int sCols, int qbr, int qbc) {
    constexpr int kBits = Cfg::kWBits, kRE = Cfg::kRawElems;
    DS_GEMM_UNROLL
    for (int it = 0; it < Cfg::kRawIters; ++it) {
      int idx = int(threadIdx.x) + it * Cfg::kThreads;
      packed[it] = make_uint4(0u, 0u, 0u, 0u);
      scale[it] = 1.0f;
      if (Cfg::kRawTotal % Cfg::kThreads != 0 && idx >= Cfg::kRawTotal)
        break;
      int n = idx / Cfg::kRawChunks, ch = idx % Cfg::kRawChunks;
      int k = k0 + ch * kRE;
      if (!validRow(n, nValid) || k >= K)
        continue;
      int row = rowOf(row0, n, half);
      long first = base + long(row) * K + k;
      if constexpr (kQuant != GemmQuant::None)
        scale[it] =
            toFloat(ld_global(scales + long(row / qbr) * sCols + k / qbc));
      if (vec) {
        packed[it] = ld_global(ptr_cast<const uint4>(w + first * kBits / 8));
        continue;
      }
      unsigned v[4] = {0u, 0u, 0u, 0u};
      DS_GEMM_UNROLL
      for (int j = 0; j < kRE; ++j) {
        if (k + j >= K)
          break;
        long e = first + j;
        unsigned b;
        if constexpr (kBits == 4)
          b = unsigned(ld_global(w + e / 2)) >> (4 * int(e % 2)) & 0xfu;
        else if constexpr (kBits == 8)
          b = ld_global(w + e);
        else if constexpr (kBits == 16)
          b = ld_global(ptr_cast<const unsigned short>(w) + e);
        else
          b = ld_global(ptr_cast<const unsigned>(w) + e);
        v[j * kBits / 32] |= b << (j * kBits % 32);
      }
      packed[it] = make_uint4(v[0], v[1], v[2], v[3]);
    }
  }

  /// Decodes the fetched chunks into the swizzled shared tile `dst`.
  DS_DEVICE void store(sptr<TA> dst, int row0, int nValid, int half, int k0,
                       int K, gptr<const TS> scales, int sCols, int qbr,
                       int qbc) {
    constexpr int kBits = Cfg::kWBits, kRE = Cfg::kRawElems;
    constexpr int kOutWords = kRE * int(sizeof(TA)) / 4; // 2, 4, ... 32
    DS_GEMM_UNROLL
    for (int it = 0; it < Cfg::kRawIters; ++it) {
      int idx = int(threadIdx.x) + it * Cfg::kThreads;
      if (Cfg::kRawTotal % Cfg::kThreads != 0 && idx >= Cfg::kRawTotal)
        break;
      int n = idx / Cfg::kRawChunks, ch = idx % Cfg::kRawChunks;
      int kl = ch * kRE; // first k of the chunk in the tile
      int k = k0 + kl;
      // A block-scale boundary inside the chunk (quantBlockCols not a
      // multiple of kRawElems): the other elements read their own scale.
      bool oneScale = kQuant == GemmQuant::None || k >= K ||
                      !validRow(n, nValid) || k / qbc == (k + kRE - 1) / qbc;
      // Decoded in groups of one output store (16 bytes, or 8 when a raw
      // chunk holds fewer elements), which keeps few words live.
      constexpr int kGroupWords = kOutWords < 4 ? kOutWords : 4;
      constexpr int kGroupElems = kGroupWords * 4 / int(sizeof(TA));
      DS_GEMM_UNROLL
      for (int g = 0; g < kOutWords / kGroupWords; ++g) {
        unsigned out[kGroupWords];
        DS_GEMM_UNROLL
        for (int j = 0; j < kGroupWords; ++j)
          out[j] = 0u;
        DS_GEMM_UNROLL
        for (int jj = 0; jj < kGroupElems; ++jj) {
          int j = g * kGroupElems + jj;
          unsigned b = word(packed[it], j * kBits / 32) >> (j * kBits % 32);
          if constexpr (kBits < 32)
            b &= (1u << kBits) - 1u;
          float v = decodeWeight<TW, kQuant>(b);
          if constexpr (kQuant != GemmQuant::None) {
            float s = scale[it];
            if (!oneScale && k + j < K)
              s = toFloat(ld_global(scales +
                                    long(rowOf(row0, n, half) / qbr) * sCols +
                                    (k + j) / qbc));
            v *= s;
          }
          unsigned e = encode<TA>(v);
          if constexpr (sizeof(TA) == 4)
            out[jj] = e;
          else
            out[jj / 2] |= e << (16 * (jj % 2));
        }
        sptr<TA> d =
            dst + tileOffset<TA, Cfg::kChunks>(n, kl + g * kGroupElems);
        if constexpr (kGroupWords == 2)
          st_shared(ptr_cast<uint2>(d), make_uint2(out[0], out[1]));
        else
          st_shared(ptr_cast<uint4>(d),
                    make_uint4(out[0], out[1], out[2], out[3]));
      }
    }
  }
};

DS_DEVICE void mma16816(float d[4], const unsigned a[4], const unsigned b[2],
                        __nv_bfloat16 *) {
  mma_m16n8k16_bf16(d, a, b, d);
}
DS_DEVICE void mma16816(float d[4], const unsigned a[4], const unsigned b[2],
                        __half *) {
  mma_m16n8k16_f16(d, a, b, d);
}

/// The accumulators of one thread: the tensor-core fragments or the FFMA
/// register tile.
template <class Cfg, bool kMma = Cfg::kMma> struct Accumulators;
template <class Cfg> struct Accumulators<Cfg, true> {
  float v[Cfg::kMI][Cfg::kNI][4];
};
template <class Cfg> struct Accumulators<Cfg, false> {
  float v[Cfg::kTM][Cfg::kTN];
};

/// One BK slice of the warp tile on tensor cores.
template <class TA, class Cfg, int BK>
DS_DEVICE void computeStageMma(Accumulators<Cfg> &acc, sptr<TA> sA, sptr<TA> sW,
                               int wm0, int wn0, int lane) {
  DS_GEMM_UNROLL
  for (int ks = 0; ks < BK / 16; ++ks) {
    unsigned af[Cfg::kMI][4], bf[Cfg::kNI][2];
    DS_GEMM_UNROLL
    for (int mi = 0; mi < Cfg::kMI; ++mi) {
      // Matrices 0..3: rows 0-7 / 8-15 × k 0-7, then × k 8-15.
      int row = wm0 + mi * 16 + lane % 16;
      int ch = ks * 2 + lane / 16;
      ldmatrix_x4(af[mi], sA + swizzle<Cfg::kChunks>(row, ch) * 8);
    }
    DS_GEMM_UNROLL
    for (int nj = 0; nj < Cfg::kNI / 2; ++nj) {
      // Matrices: n 0-7 × k 0-7, n 0-7 × k 8-15, n 8-15 × k 0-7, 8-15.
      int row = wn0 + nj * 16 + lane % 8 + (lane / 16) * 8;
      int ch = ks * 2 + (lane / 8) % 2;
      unsigned r[4];
      ldmatrix_x4(r, sW + swizzle<Cfg::kChunks>(row, ch) * 8);
      bf[2 * nj][0] = r[0];
      bf[2 * nj][1] = r[1];
      bf[2 * nj + 1][0] = r[2];
      bf[2 * nj + 1][1] = r[3];
    }
    DS_GEMM_UNROLL
    for (int mi = 0; mi < Cfg::kMI; ++mi)
      DS_GEMM_UNROLL
    for (int ni = 0; ni < Cfg::kNI; ++ni)
      mma16816(acc.v[mi][ni], af[mi], bf[ni], static_cast<TA *>(nullptr));
  }
}

/// One BK slice of the thread's FFMA tile: rows wm0 + lane % 8 + 8i, columns
/// wn0 + lane / 8 + 4j; k in increasing order. Each 16-byte chunk (4 k) of
/// a row is one shared load: the 8 lanes of a quarter warp read 8 rows
/// whose swizzled chunks are 8 different bank quads (A) or one address (W).
template <class Cfg, int BK>
DS_DEVICE void computeStageFfma(Accumulators<Cfg> &acc, sptr<float> sA,
                                sptr<float> sW, int wm0, int wn0, int lane) {
  int lm = lane % 8, ln = lane / 8;
  DS_GEMM_UNROLL_2
  for (int ch = 0; ch < BK / 4; ++ch) {
    float4 av[Cfg::kTM], bv[Cfg::kTN];
    DS_GEMM_UNROLL
    for (int i = 0; i < Cfg::kTM; ++i)
      av[i] = ld_shared(ptr_cast<const float4>(
          sA + swizzle<Cfg::kChunks>(wm0 + lm + 8 * i, ch) * 4));
    DS_GEMM_UNROLL
    for (int j = 0; j < Cfg::kTN; ++j)
      bv[j] = ld_shared(ptr_cast<const float4>(
          sW + swizzle<Cfg::kChunks>(wn0 + ln + 4 * j, ch) * 4));
    DS_GEMM_UNROLL
    for (int i = 0; i < Cfg::kTM; ++i)
      DS_GEMM_UNROLL
    for (int j = 0; j < Cfg::kTN; ++j) {
      float s = acc.v[i][j];
      s += av[i].x * bv[j].x;
      s += av[i].y * bv[j].y;
      s += av[i].z * bv[j].z;
      s += av[i].w * bv[j].w;
      acc.v[i][j] = s;
    }
  }
}

/// The C tile's padded row length (elements) when staged through shared.
template <class TC, int BN> __host__ __device__ constexpr int stagedLd() {
  return BN + 16 / int(sizeof(TC));
}

/// The fused SwiGLU of one output element from its gate and up
/// accumulators: each rounded to TC as the unfused linears' results are,
/// then swigluValue (elementwise.cuh, the reference's formula); the caller
/// rounds the result to TC.
template <class TC> DS_DEVICE float swigluOfAcc(float gate, float up) {
  return swigluValue<TC>(roundTo<TC>(gate), roundTo<TC>(up));
}

/// Every result of this thread once, as put(row, col, v) with the tile row
/// and C column (CTA-local). Without the SwiGLU epilogue: every accumulator
/// element, v = acc + biasAt(col). With it (the W tile of pairedRow, bias
/// unused): v = swigluOfAcc<TC>(gate, up) of the accumulator pairs that one
/// thread holds: mma fragments ni and ni + 1 (ni even), FFMA columns j and
/// j + 2 (j % 4 < 2); col = pairedOutCol of the gate's tile column.
template <class Cfg, class TC, class Acc, class Bias, class Put>
DS_DEVICE void forEachResult(const Acc &acc, int lane, int wm0, int wn0,
                             const Bias &biasAt, const Put &put) {
  if constexpr (Cfg::kMma && Cfg::kSwiGLU) {
    int g = lane / 4, q = lane % 4;
    DS_GEMM_UNROLL
    for (int ni = 0; ni < Cfg::kNI; ni += 2) {
      int col = pairedOutCol(wn0 + ni * 8 + 2 * q);
      DS_GEMM_UNROLL
      for (int mi = 0; mi < Cfg::kMI; ++mi)
        DS_GEMM_UNROLL
      for (int h = 0; h < 2; ++h) {
        int row = wm0 + mi * 16 + g + 8 * h;
        put(row, col,
            swigluOfAcc<TC>(acc.v[mi][ni][2 * h], acc.v[mi][ni + 1][2 * h]));
        put(row, col + 1,
            swigluOfAcc<TC>(acc.v[mi][ni][2 * h + 1],
                            acc.v[mi][ni + 1][2 * h + 1]));
      }
    }
  } else if constexpr (Cfg::kSwiGLU) {
    int lm = lane % 8, ln = lane / 8;
    DS_GEMM_UNROLL
    for (int j4 = 0; j4 < Cfg::kTN; j4 += 4)
      DS_GEMM_UNROLL
    for (int jj = 0; jj < 2; ++jj) {
      int j = j4 + jj;
      int col = pairedOutCol(wn0 + ln + 4 * j);
      DS_GEMM_UNROLL
      for (int i = 0; i < Cfg::kTM; ++i)
        put(wm0 + lm + 8 * i, col,
            swigluOfAcc<TC>(acc.v[i][j], acc.v[i][j + 2]));
    }
  } else if constexpr (Cfg::kMma) {
    int g = lane / 4, q = lane % 4;
    DS_GEMM_UNROLL
    for (int ni = 0; ni < Cfg::kNI; ++ni) {
      int col = wn0 + ni * 8 + 2 * q;
      float b0 = biasAt(col), b1 = biasAt(col + 1);
      DS_GEMM_UNROLL
      for (int mi = 0; mi < Cfg::kMI; ++mi)
        DS_GEMM_UNROLL
      for (int h = 0; h < 2; ++h) {
        int row = wm0 + mi * 16 + g + 8 * h;
        put(row, col, acc.v[mi][ni][2 * h] + b0);
        put(row, col + 1, acc.v[mi][ni][2 * h + 1] + b1);
      }
    }
  } else {
    int lm = lane % 8, ln = lane / 8;
    DS_GEMM_UNROLL
    for (int j = 0; j < Cfg::kTN; ++j) {
      int col = wn0 + ln + 4 * j;
      float b = biasAt(col);
      DS_GEMM_UNROLL
      for (int i = 0; i < Cfg::kTM; ++i)
        put(wm0 + lm + 8 * i, col, acc.v[i][j] + b);
    }
  }
}

/// The out buffers of the split epilogue (moe.linear {split}): column n of
/// the product, begin[s] <= n < begin[s + 1], is column n - begin[s] of
/// c[s], whose rows are begin[s + 1] - begin[s] elements long. Segments
/// past kSplit are empty (begin = N). Passed by value and indexed only
/// with unrolled constants, so it stays in registers (no stack frame).
template <class TC, int kSplit> struct SplitC {
  gptr<TC> c[kSplit];
  int begin[kSplit + 1];
  /// Element (row, n) of the product in its out buffer.
  DS_DEVICE gptr<TC> at(long row, int n) const {
    gptr<TC> p = c[0] + row * (begin[1] - begin[0]) + n;
    DS_GEMM_UNROLL
    for (int i = 1; i < kSplit; ++i)
      if (n >= begin[i])
        p = c[i] + row * (begin[i + 1] - begin[i]) + (n - begin[i]);
    return p;
  }
};

} // namespace gemm_detail

/// Static shared memory of a gemm / grouped_gemm configuration (bytes).
template <class TA, int BM, int BN, int BK, int kStages>
__host__ __device__ constexpr int gemmSharedBytes() {
  return kStages * (BM + BN) * BK * int(sizeof(TA));
}

/// Whether the kernels accept the configuration (element types, tile shape,
/// warps, static shared memory <= 48 KiB; with kSwiGLU also a warp N extent
/// BN / kWarpsN that is a multiple of 16): the code generator's check.
template <class TA, class TW, GemmQuant kQuant, int BM, int BN, int BK,
          int kStages, int kWarpsM, int kWarpsN, bool kSwiGLU = false>
__host__ __device__ constexpr bool gemmSupports() {
  using Cfg = gemm_detail::Config<TA, TW, kQuant, BM, BN, BK, kStages, kWarpsM,
                                  kWarpsN, kSwiGLU>;
  return Cfg::kTypesOk && Cfg::kTileOk && Cfg::kSharedOk;
}

/// The main loop and epilogue of one BM × BN tile: rows [0, rowsValid) of
/// `a` (K elements a row) times BN rows of the weight whose element (n, k)
/// is flat element wBase + n · K + k of `w` (N rows), into `c`. `scales` is
/// the weight's scale matrix [ceil(N / qbr), ceil(K / qbc)] (null when
/// dense). col0 (a multiple of BN) is the CTA's first weight row.
///   - Without kSwiGLU: W rows col0 .. col0 + BN, `c` N elements a row
///     (columns col0 .. col0 + BN written), `bias` [N] or null.
///   - kSwiGLU (N even): W rows col0 / 2 + [0, BN / 2) (gate) and N / 2 +
///     col0 / 2 + [0, BN / 2) (up) in pairedRow order, `c` N / 2 elements a
///     row (columns col0 / 2 .. col0 / 2 + BN / 2 written), `bias` unused.
///   - kSplit > 1 (not with kSwiGLU): as without it, but column n goes to
///     `split` (its out buffers already offset to the tile's first row) and
///     `c` is unused.
/// Every thread of the CTA calls it.
template <class TA, class TW, class TC, class TS, class TBias, GemmQuant kQuant,
          int BM, int BN, int BK, int kStages, int kWarpsM, int kWarpsN,
          bool kSwiGLU = false, int kSplit = 1>
DS_DEVICE void gemmTile(gptr<const TA> a, int rowsValid, gptr<const TW> w,
                        long wBase, gptr<const TS> scales,
                        gptr<const TBias> bias, gptr<TC> c, int col0, int N,
                        int K, int qbr, int qbc,
                        gemm_detail::SplitC<TC, kSplit> split = {}) {
  using namespace gemm_detail;
  using Cfg =
      Config<TA, TW, kQuant, BM, BN, BK, kStages, kWarpsM, kWarpsN, kSwiGLU>;
  static_assert(Cfg::kTypesOk, "gemm: unsupported element types");
  static_assert(Cfg::kTileOk, "gemm: unsupported tile / warp shape");
  static_assert(Cfg::kSharedOk, "gemm: static shared memory above 48 KiB");
  static_assert(!kSwiGLU || Cfg::kWN % 16 == 0,
                "gemm: the SwiGLU epilogue needs warp N extents of 16 rows");
  static_assert(kSplit >= 1 && (kSplit == 1 || !kSwiGLU),
                "gemm: the split epilogue does not combine with SwiGLU");

  DS_SHARED(uint4, smem, Cfg::kSharedBytes / 16);
  sptr<TA> sA = ptr_cast<TA>(smem);
  sptr<TA> sW = sA + kStages * Cfg::kStageA;

  int tid = int(threadIdx.x), lane = tid % 32, warp = tid / 32;
  int wm0 = (warp / kWarpsN) * Cfg::kWM, wn0 = (warp % kWarpsN) * Cfg::kWN;
  // C's row length and this CTA's first C column and valid C columns; with
  // kSwiGLU the W tile's rows are valid for the same output columns and
  // wRow0 (the first output column) is the base of pairedRow.
  constexpr int kBNOut = Cfg::kBNOut;
  int ldc = kSwiGLU ? N / 2 : N;
  int outCol0 = kSwiGLU ? col0 / 2 : col0;
  int nValid = ldc - outCol0 < kBNOut ? ldc - outCol0 : kBNOut;
  int wRow0 = outCol0, half = ldc;
  int numK = (K + BK - 1) / BK;
  int sCols = kQuant == GemmQuant::None ? 0 : (K + qbc - 1) / qbc;

  constexpr int kE = Cfg::kElems16;
  bool vecA = K % kE == 0 && aligned16(raw(a));
  gptr<const TA> wTA = ptr_cast<const TA>(w) + (Cfg::kDirectW ? wBase : 0);
  bool vecW = Cfg::kDirectW ? K % kE == 0 && aligned16(raw(wTA))
                            : K % Cfg::kRawElems == 0 && aligned16(raw(w)) &&
                                  wBase % Cfg::kRawElems == 0;
  gptr<const unsigned char> wBytes = ptr_cast<const unsigned char>(w);

  WeightStager<TA, TW, TS, kQuant, Cfg> stager;
  auto loadStage = [&](int kt, int stage, bool storeW) {
    loadTile<TA, BM, BK, Cfg::kThreads>(sA + stage * Cfg::kStageA, a, rowsValid,
                                        kt * BK, K, vecA);
    if constexpr (Cfg::kDirectW)
      loadTile<TA, BN, BK, Cfg::kThreads, kSwiGLU>(
          sW + stage * Cfg::kStageW, wTA + long(wRow0) * K, nValid, kt * BK, K,
          vecW, half);
    else if (storeW)
      stager.store(sW + stage * Cfg::kStageW, wRow0, nValid, half, kt * BK, K,
                   scales, sCols, qbr, qbc);
  };
  auto fetchW = [&](int kt) {
    if constexpr (!Cfg::kDirectW)
      stager.fetch(wBytes, wBase, wRow0, nValid, half, kt * BK, K, vecW, scales,
                   sCols, qbr, qbc);
  };

  Accumulators<Cfg> acc;
  if constexpr (Cfg::kMma) {
    DS_GEMM_UNROLL
    for (int mi = 0; mi < Cfg::kMI; ++mi)
      DS_GEMM_UNROLL
    for (int ni = 0; ni < Cfg::kNI; ++ni)
      DS_GEMM_UNROLL
    for (int i = 0; i < 4; ++i)
      acc.v[mi][ni][i] = 0.0f;
  } else {
    DS_GEMM_UNROLL
    for (int i = 0; i < Cfg::kTM; ++i)
      DS_GEMM_UNROLL
    for (int j = 0; j < Cfg::kTN; ++j)
      acc.v[i][j] = 0.0f;
  }

  // Prologue: tiles 0 .. kStages - 2 in flight (one commit group each);
  // the register-staged W is fetched and stored at once here, then fetched
  // one tile ahead.
  DS_GEMM_UNROLL
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < numK) {
      fetchW(s);
      loadStage(s, s, true);
    }
    cp_async_commit();
  }
  if (kStages - 1 < numK)
    fetchW(kStages - 1);

  for (int kt = 0; kt < numK; ++kt) {
    cp_async_wait<kStages - 2>(); // tile kt has landed (this thread's part)
    __syncthreads(); // ... everyone's; and stage (kt - 1) is consumed
    int next = kt + kStages - 1;
    if (next < numK) {
      loadStage(next, next % kStages, true);
      if (next + 1 < numK)
        fetchW(next + 1);
    }
    cp_async_commit();
    int stage = kt % kStages;
    if constexpr (Cfg::kMma)
      computeStageMma<TA, Cfg, BK>(acc, sA + stage * Cfg::kStageA,
                                   sW + stage * Cfg::kStageW, wm0, wn0, lane);
    else
      computeStageFfma<Cfg, BK>(acc, sA + stage * Cfg::kStageA,
                                sW + stage * Cfg::kStageW, wm0, wn0, lane);
  }
  cp_async_wait<0>(); // only empty groups are left

  // Epilogue: acc + bias in fp32, one rounding to TC (or the SwiGLU of the
  // paired accumulators, rounded to TC).
  auto biasAt = [&](int col) {
    return !kSwiGLU && bias && col < nValid
               ? toFloat(ld_global(bias + col0 + col))
               : 0.0f;
  };
  constexpr int kLd = stagedLd<TC, kBNOut>();
  constexpr bool kStaged = BM * kLd * int(sizeof(TC)) <= Cfg::kSharedBytes;
  if constexpr (kStaged) {
    sptr<TC> sC = ptr_cast<TC>(smem);
    __syncthreads(); // every warp is done reading the last stage
    forEachResult<Cfg, TC>(acc, lane, wm0, wn0, biasAt,
                           [&](int row, int col, float v) {
                             st_shared(sC + row * kLd + col, fromFloat<TC>(v));
                           });
    __syncthreads();
    constexpr int kCE = 16 / int(sizeof(TC));
    constexpr int kCChunks = kBNOut / kCE;
    constexpr int kCTotal = BM * kCChunks;
    bool vecC = ldc % kCE == 0 && aligned16(raw(c));
    if constexpr (kSplit > 1) {
      // 16-byte chunks stay within one segment when every segment's width
      // is a multiple of one.
      vecC = true;
      DS_GEMM_UNROLL
      for (int s = 0; s < kSplit; ++s)
        vecC = vecC && (split.begin[s + 1] - split.begin[s]) % kCE == 0 &&
               aligned16(raw(split.c[s]));
    }
    // Element (r, col) of the CTA's C tile in c.
    auto cAt = [&](int r, int col) -> gptr<TC> {
      return c + long(r) * ldc + outCol0 + col;
    };
    // One thread's 16-byte chunk `it` of the staged tile (past the tile:
    // nothing).
    auto storeChunk = [&](int it) {
      int idx = tid + it * Cfg::kThreads;
      if (kCTotal % Cfg::kThreads != 0 && idx >= kCTotal)
        return;
      int r = idx / kCChunks, col = (idx % kCChunks) * kCE;
      if (r >= rowsValid || col >= nValid)
        return;
      if (vecC) {
        st_global(ptr_cast<uint4>(cAt(r, col)),
                  ld_shared(ptr_cast<const uint4>(sC + r * kLd + col)));
      } else {
        DS_GEMM_UNROLL
        for (int j = 0; j < kCE; ++j)
          if (col + j < nValid)
            st_global(cAt(r, col + j), ld_shared(sC + r * kLd + col + j));
      }
    };
    constexpr int kChunksPerThread =
        (kCTotal + Cfg::kThreads - 1) / Cfg::kThreads;
    if constexpr (kSplit > 1) {
      // One pass per segment, with that segment's buffer: no per-chunk
      // select of the out pointer (unrolled, those made ptxas spill).
      DS_GEMM_UNROLL
      for (int s = 0; s < kSplit; ++s) {
        int b0 = split.begin[s], b1 = split.begin[s + 1];
        int lo = b0 - outCol0 > 0 ? b0 - outCol0 : 0;
        int hi = b1 - outCol0 < nValid ? b1 - outCol0 : nValid;
        if (lo >= hi)
          continue;
        gptr<TC> seg = split.c[s];
        int width = b1 - b0, shift = outCol0 - b0;
        DS_GEMM_NO_UNROLL
        for (int it = 0; it < kChunksPerThread; ++it) {
          int idx = tid + it * Cfg::kThreads;
          if (kCTotal % Cfg::kThreads != 0 && idx >= kCTotal)
            break;
          int r = idx / kCChunks, col = (idx % kCChunks) * kCE;
          if (r >= rowsValid || col + kCE <= lo || col >= hi)
            continue;
          // Element (r, col) of the tile is element r · width + shift + col
          // of the segment's buffer (shift < 0 when the segment starts
          // inside the tile; col >= lo keeps the sum in the buffer).
          long at = long(r) * width + shift + col;
          if (vecC) {
            st_global(ptr_cast<uint4>(seg + at),
                      ld_shared(ptr_cast<const uint4>(sC + r * kLd + col)));
          } else {
            DS_GEMM_UNROLL
            for (int j = 0; j < kCE; ++j)
              if (col + j >= lo && col + j < hi)
                st_global(seg + (at + j), ld_shared(sC + r * kLd + col + j));
          }
        }
      }
    } else {
      DS_GEMM_UNROLL
      for (int it = 0; it < kChunksPerThread; ++it)
        storeChunk(it);
    }
  } else {
    forEachResult<Cfg, TC>(
        acc, lane, wm0, wn0, biasAt, [&](int row, int col, float v) {
          if (row < rowsValid && col < nValid) {
            if constexpr (kSplit > 1)
              st_global(split.at(row, outCol0 + col), fromFloat<TC>(v));
            else
              st_global(c + long(row) * ldc + outCol0 + col, fromFloat<TC>(v));
          }
        });
  }
}

/// kernel.gemm: c[M, N] = a[M, K] · w[N, K]ᵀ (+ bias[N]).
/// Grid (ceil(M / BM), ceil(N / BN)), block kWarpsM · kWarpsN · 32. `w` is
/// dense (TW = bf16 / f16 / f32, kQuant None; scales null) or quantized
/// (kQuant, TW a byte type, scales [ceil(N / quantBlockRows), ceil(K /
/// quantBlockCols)] of TS). `bias` may be null. `c` must not alias a or w.
/// kSwiGLU (the fused gate/up projection): N is even, w's rows [0, N / 2)
/// are the gate and [N / 2, N) the up projection (scales likewise, with
/// (N / 2) % quantBlockRows == 0), bias is null, and c [M, N / 2] =
/// swiglu(a · gateᵀ, a · upᵀ); the grid is the same formula over the weight
/// rows N.
template <class TA, class TW, class TC, class TS, class TBias, GemmQuant kQuant,
          int BM, int BN, int BK, int kStages, int kWarpsM, int kWarpsN,
          bool kSwiGLU = false>
DS_DEVICE void gemmKernel(gptr<const TA> a, gptr<const TW> w,
                          gptr<const TS> scales, gptr<const TBias> bias,
                          gptr<TC> c, long M, int N, int K, int quantBlockRows,
                          int quantBlockCols) {
  long row0 = long(blockIdx.x) * BM;
  int col0 = int(blockIdx.y) * BN;
  if (row0 >= M || col0 >= N)
    return; // a grid larger than the formula: nothing to do, no barrier yet
  long left = M - row0;
  int rowsValid = left < BM ? int(left) : BM;
  long ldc = kSwiGLU ? N / 2 : N;
  gemmTile<TA, TW, TC, TS, TBias, kQuant, BM, BN, BK, kStages, kWarpsM, kWarpsN,
           kSwiGLU>(a + row0 * K, rowsValid, w, 0, scales, bias, c + row0 * ldc,
                    col0, N, K, quantBlockRows, quantBlockCols);
}

/// kernel.gemm with the split epilogue (moe.linear {split}): c0 .. c3
/// [M, n_s] are the columns [n0 + … + n(s-1), … + n_s) of a · wᵀ (+ bias),
/// for the kSplit (2 to 4) segments n0, n1, n2 and N − n0 − n1 − n2 (sizes
/// and pointers past kSplit are 0 and null). Grid, block, w, scales and
/// bias as in gemmKernel; no out buffer aliases a, w or another.
template <class TA, class TW, class TC, class TS, class TBias, GemmQuant kQuant,
          int BM, int BN, int BK, int kStages, int kWarpsM, int kWarpsN,
          int kSplit>
DS_DEVICE void
gemmSplitKernel(gptr<const TA> a, gptr<const TW> w, gptr<const TS> scales,
                gptr<const TBias> bias, gptr<TC> c0, gptr<TC> c1, gptr<TC> c2,
                gptr<TC> c3, long M, int N, int K, int n0, int n1, int n2,
                int quantBlockRows, int quantBlockCols) {
  static_assert(kSplit >= 2 && kSplit <= 4, "gemm: 2 to 4 split segments");
  long row0 = long(blockIdx.x) * BM;
  int col0 = int(blockIdx.y) * BN;
  if (row0 >= M || col0 >= N)
    return; // a grid larger than the formula: nothing to do, no barrier yet
  long left = M - row0;
  int rowsValid = left < BM ? int(left) : BM;
  gptr<TC> cs[4] = {c0, c1, c2, c3};
  int sizes[4] = {n0, n1, n2, 0};
  gemm_detail::SplitC<TC, kSplit> split;
  split.begin[0] = 0;
  DS_GEMM_UNROLL
  for (int s = 0; s < kSplit; ++s) {
    int rows = s + 1 < kSplit ? sizes[s] : N - split.begin[s];
    split.begin[s + 1] = split.begin[s] + rows;
    split.c[s] = cs[s] + row0 * rows;
  }
  gemmTile<TA, TW, TC, TS, TBias, kQuant, BM, BN, BK, kStages, kWarpsM, kWarpsN,
           false, kSplit>(a + row0 * K, rowsValid, w, 0, scales, bias,
                          split.c[0], col0, N, K, quantBlockRows,
                          quantBlockCols, split);
}

/// kernel.grouped_gemm: for each expert e, rows offsets[e] .. offsets[e+1]
/// of c [R, N] = those rows of `rows` [R, K] · w[e] [N, K]ᵀ. `w` [E, N, K]
/// (dense or quantized as in gemmKernel), scales [E, ceil(N / bR), ceil(K /
/// bC)] or null, offsets [E + 1] int32 on the device. Grid (ceil((R + E ·
/// (BM − 1)) / BM), ceil(N / BN)), block kWarpsM · kWarpsN · 32.
/// kSwiGLU: each w[e] is [gate; up] as in gemmKernel and c is [R, N / 2].
template <class TA, class TW, class TC, class TS, GemmQuant kQuant, int BM,
          int BN, int BK, int kStages, int kWarpsM, int kWarpsN,
          bool kSwiGLU = false>
DS_DEVICE void groupedGemmKernel(gptr<const TA> rows, gptr<const TW> w,
                                 gptr<const int> offsets, gptr<const TS> scales,
                                 gptr<TC> c, long R, int E, int N, int K,
                                 int quantBlockRows, int quantBlockCols) {
  (void)R;
  int col0 = int(blockIdx.y) * BN;
  if (col0 >= N)
    return;
  // blockIdx.x -> (expert, row tile): every warp scans the experts' tile
  // counts 32 at a time (inclusive prefix sum with shuffles, ballot).
  int lane = int(threadIdx.x) % 32;
  int tile = int(blockIdx.x), before = 0, expert = -1, tileInExpert = 0;
  for (int e0 = 0; e0 < E; e0 += 32) {
    int e = e0 + lane;
    int count = 0;
    if (e < E) {
      int n = ld_global(offsets + e + 1) - ld_global(offsets + e);
      count = (n + BM - 1) / BM;
    }
    int incl = count;
    for (int d = 1; d < 32; d *= 2) {
      int v = __shfl_up_sync(0xffffffffu, incl, d);
      if (lane >= d)
        incl += v;
    }
    unsigned hit = __ballot_sync(0xffffffffu, e < E && tile < before + incl);
    if (hit) {
      int l = __ffs(int(hit)) - 1;
      int excl = __shfl_sync(0xffffffffu, incl - count, l);
      expert = e0 + l;
      tileInExpert = tile - before - excl;
      break;
    }
    before += __shfl_sync(0xffffffffu, incl, 31);
  }
  if (expert < 0)
    return; // past the last tile: before any barrier
  long begin = long(ld_global(offsets + expert)) + long(tileInExpert) * BM;
  long end = ld_global(offsets + expert + 1);
  int rowsValid = end - begin < BM ? int(end - begin) : BM;
  long sliceScales = kQuant == GemmQuant::None
                         ? 0
                         : long((N + quantBlockRows - 1) / quantBlockRows) *
                               ((K + quantBlockCols - 1) / quantBlockCols);
  long ldc = kSwiGLU ? N / 2 : N;
  gemmTile<TA, TW, TC, TS, float, kQuant, BM, BN, BK, kStages, kWarpsM, kWarpsN,
           kSwiGLU>(rows + begin * K, rowsValid, w, long(expert) * N * K,
                    scales ? scales + expert * sliceScales : scales,
                    gptr<const float>(nullptr), c + begin * ldc, col0, N, K,
                    quantBlockRows, quantBlockCols);
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_GEMM_CUH
