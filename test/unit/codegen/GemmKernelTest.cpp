//===- GemmKernelTest.cpp - kernel.gemm / grouped_gemm, sim and NVRTC -----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/gemm.cuh on the sim against the CPU reference
// (ds::cpu::linear / groupedMatmul) for bf16, f16 and f32 activations;
// dense bf16 / f16 / f32 weights and fp8 e4m3 / int8 / int4 weights with
// block scales; bias; M in {1, 7, 129}; N and K that are not multiples of
// the tile (N = 72, K = 40) or of the 16-byte chunk (K = 37: the scalar
// path); grouped with empty experts and with one expert holding every row.
// Tolerances:
//   - f32 output: 1e-5 of max |ref|;
//   - bf16 / f16 output: at most 2 ulps from the reference, at most 1% of
//     the elements more than 1 ulp. On the tensor-core path a weight that is
//     not stored as the activation type is rounded to it after decode ·
//     scale (gemm.cuh); there the ulp bound is against the reference run on
//     those rounded weights and the true reference is met within 1e-2 of
//     max |ref|.
// The fused SwiGLU epilogue (swiglu_* entries, w = [gate; up]) on the sim
// for bf16 / f16 / f32 activations, fp8 e4m3 (blocks of 128 and of 4 rows),
// int8 and int4 weights, the register epilogue, and grouped with empty
// experts; N / 2 in {36, 68, 100} (partial tiles, not a multiple of 8), M in
// {1, 7, 129}: bit-identical to cpu::swiglu of the unfused entry's results
// on the two halves, which meet cpu::linear within the tolerances above; the
// fused result meets cpu::swiglu of the exact references within the ulp
// bounds above, and for f32 activations is bit-identical to cpu::swiglu of
// cpu::linear of the two halves.
// The split epilogue (split*_* entries, moe.linear {split}) on the sim for
// bf16 (16-byte and element stores, segments inside a tile), fp8 e4m3 with
// a ragged last segment, f32 with four segments and the register epilogue,
// M in {1, 7, 129}: each segment bit-identical to its columns of the plain
// entry over the joined weight, and within the tolerances above of
// cpu::linearSplit.
// And through NVRTC for sm_90a without local memory (registers and static
// shared memory printed; the fused entries next to their unfused twins).
//
//===----------------------------------------------------------------------===//

#include "gemm_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using ds::DType;
using ds::Quant;
using ds::QuantScheme;
using ds::cpu::Tensor;
using namespace ds::test;

/// The tolerances of the file header: `exact` is the reference on the
/// weights the kernel multiplies, `truth` the reference proper.
void expectClose(DType out, const std::vector<float> &y, const Tensor &exact,
                 const Tensor &truth, const std::string &what) {
  ASSERT_EQ(y.size(), exact.f().size()) << what;
  double maxRef = 0;
  for (float v : truth.f())
    maxRef = std::max(maxRef, double(std::fabs(v)));
  maxRef = std::max(maxRef, 1e-30);
  if (out == DType::F32) {
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i)
      worst = std::max(worst, double(std::fabs(y[i] - exact.f()[i])));
    EXPECT_LE(worst, 1e-5 * maxRef) << what;
    return;
  }
  double worst = 0, worstTruth = 0;
  size_t overOne = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    double u = ulps(out, y[i], exact.f()[i]);
    if (!(u <= 1.0)) // NaN counts
      ++overOne;
    worst = std::max(worst, std::isnan(u) ? 1e9 : u);
    worstTruth =
        std::max(worstTruth, double(std::fabs(y[i] - truth.f()[i])) / maxRef);
  }
  EXPECT_LE(worst, 2.0) << what;
  EXPECT_LE(overOne, y.size() / 100) << what;
  EXPECT_LE(worstTruth, 1e-2) << what;
}

/// A random weight [lead..., N, K] of storage `type` (dense float, or the
/// storage of `quant`) and its scales [lead..., ceil(N/bR), ceil(K/bC)].
struct Weight {
  Tensor w;
  std::optional<Tensor> scales;
};

Weight randomWeight(std::mt19937 &rng, DType type, DType scaleType,
                    const std::optional<Quant> &quant, ds::cpu::Shape shape) {
  Weight out;
  int64_t count = ds::cpu::numElements(shape);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  if (!quant) {
    std::vector<float> v(count);
    for (float &x : v)
      x = normal(rng);
    out.w = Tensor::floats(type, shape, v);
    return out;
  }
  if (quant->scheme == QuantScheme::FP8E4M3) {
    std::normal_distribution<float> wide(0.0f, 60.0f);
    std::vector<float> v(count);
    for (float &x : v)
      x = wide(rng);
    v[0] = 0.001f; // a subnormal e4m3 value
    out.w = Tensor::floats(DType::F8E4M3, shape, v);
  } else {
    int lo = quant->scheme == QuantScheme::Int8 ? -128 : -8;
    int hi = quant->scheme == QuantScheme::Int8 ? 127 : 7;
    std::uniform_int_distribution<int> pick(lo, hi);
    std::vector<int64_t> v(count);
    for (int64_t &x : v)
      x = pick(rng);
    out.w = Tensor::ints(
        quant->scheme == QuantScheme::Int8 ? DType::I8 : DType::I4, shape, v);
  }
  ds::cpu::Shape sShape = shape;
  size_t r = sShape.size();
  sShape[r - 2] = (sShape[r - 2] + quant->blockRows - 1) / quant->blockRows;
  sShape[r - 1] = (sShape[r - 1] + quant->blockCols - 1) / quant->blockCols;
  std::uniform_real_distribution<float> unit(0.5f, 2.0f);
  float base = quant->scheme == QuantScheme::FP8E4M3 ? 1.0f / 100 : 1.0f / 8;
  std::vector<float> s(ds::cpu::numElements(sShape));
  for (float &x : s)
    x = unit(rng) * base;
  out.scales = Tensor::floats(scaleType, sShape, s);
  return out;
}

/// The weight the tensor-core path multiplies: decode · scale rounded to
/// the activation type `a` (dense f32 when `a` is F32: exact).
Tensor roundedWeight(const Weight &w, const std::optional<Quant> &quant,
                     DType a) {
  const Tensor &t = w.w;
  int64_t n = t.dim(-2), k = t.dim(-1), lead = t.numel() / (n * k);
  std::vector<float> v(t.numel());
  for (int64_t e = 0; e < lead; ++e)
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < k; ++c) {
        size_t i = size_t((e * n + r) * k + c);
        float q = t.isFloat() ? t.f()[i] : float(t.i()[i]);
        if (quant) {
          int64_t sR = (n + quant->blockRows - 1) / quant->blockRows;
          int64_t sC = (k + quant->blockCols - 1) / quant->blockCols;
          q *= w.scales->f()[size_t((e * sR + r / quant->blockRows) * sC +
                                    c / quant->blockCols)];
        }
        v[i] = ds::cpu::roundTo(a == DType::F32 ? DType::F32 : a, q);
      }
  return Tensor::floats(a == DType::F32 ? DType::F32 : a, t.shape(), v);
}

/// Buffers registered with a sim Device (inputs read-only).
struct Buffers {
  ds::sim::Device dev;
  std::vector<std::vector<uint8_t>> keep;
  const void *in(const std::vector<uint8_t> &bytes, const char *name) {
    keep.push_back(bytes);
    if (keep.back().empty())
      keep.back().resize(1);
    EXPECT_TRUE(
        dev.registerBuffer(keep.back().data(), keep.back().size(), name, true)
            .ok());
    return keep.back().data();
  }
};

struct GemmCase {
  const char *entry;
  DType a, w, c, scales, bias;
  QuantScheme scheme;
  bool quantized;
  int bm, bn, threads;
};

/// The quantization `g` runs with: `block` with g's scheme; none if dense.
std::optional<Quant> quantOf(const GemmCase &g, Quant block) {
  if (!g.quantized)
    return std::nullopt;
  block.scheme = g.scheme;
  return block;
}

struct Shape3 {
  long m;
  int n, k;
};
constexpr Shape3 kShapes[] = {
    {1, 72, 40}, {7, 72, 40}, {129, 72, 40}, {129, 256, 64}, {7, 136, 37}};

template <class TA, class TW, class TC, class TS, class TB>
using GemmFn = void (*)(ds::gptr<const TA>, ds::gptr<const TW>,
                        ds::gptr<const TS>, ds::gptr<const TB>, ds::gptr<TC>,
                        long, int, int, int, int);

template <class TA, class TW, class TC, class TS, class TB>
void runGemm(GemmFn<TA, TW, TC, TS, TB> fn, const GemmCase &g, Shape3 s,
             bool withBias, Quant quantBlock, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::optional<Quant> quant = quantOf(g, quantBlock);
  std::vector<float> xv(size_t(s.m) * s.k), bv(s.n);
  for (float &v : xv)
    v = normal(rng);
  for (float &v : bv)
    v = normal(rng);
  Tensor x = Tensor::floats(g.a, {s.m, s.k}, xv);
  Tensor bias = Tensor::floats(g.bias, {s.n}, bv);
  Weight w = randomWeight(rng, g.w, g.scales, quant, {s.n, s.k});

  Buffers b;
  b.dev.options().seed = seed;
  const void *px = b.in(x.encode(), "a");
  const void *pw = b.in(w.w.encode(), "w");
  const void *ps = w.scales ? b.in(w.scales->encode(), "scales") : nullptr;
  const void *pb = withBias ? b.in(bias.encode(), "bias") : nullptr;
  // 0xff bytes: NaN if unwritten.
  std::vector<uint8_t> out(size_t(s.m) * s.n * widthOf(g.c), 0xff);
  ASSERT_TRUE(b.dev.registerBuffer(out.data(), out.size(), "c").ok());
  unsigned gx = unsigned((s.m + g.bm - 1) / g.bm);
  unsigned gy = unsigned((s.n + g.bn - 1) / g.bn);
  ds::Status st = ds::sim::launch(
      b.dev, fn, g.entry, {gx, gy}, {unsigned(g.threads)}, 0,
      static_cast<const TA *>(px), static_cast<const TW *>(pw),
      static_cast<const TS *>(ps), static_cast<const TB *>(pb),
      reinterpret_cast<TC *>(out.data()), s.m, s.n, s.k,
      int(quant ? quant->blockRows : 0), int(quant ? quant->blockCols : 0));
  ASSERT_TRUE(st.ok()) << st.message();

  auto truth = ds::cpu::linear(x, w.w, w.scales ? &*w.scales : nullptr,
                               withBias ? &bias : nullptr, quant, g.c);
  ASSERT_TRUE(truth.ok()) << truth.message();
  bool rounds = g.a != DType::F32 && (quant || g.w != g.a);
  Tensor exact = *truth;
  if (rounds) {
    auto r = ds::cpu::linear(x, roundedWeight(w, quant, g.a), nullptr,
                             withBias ? &bias : nullptr, std::nullopt, g.c);
    ASSERT_TRUE(r.ok()) << r.message();
    exact = *r;
  }
  char what[160];
  std::snprintf(what, sizeof what, "%s M=%ld N=%d K=%d bias=%d block=%lldx%lld",
                g.entry, s.m, s.n, s.k, int(withBias),
                (long long)quantBlock.blockRows,
                (long long)quantBlock.blockCols);
  expectClose(g.c, decode(g.c, out), exact, *truth, what);
}

template <class Fn>
void runAllShapes(Fn fn, const GemmCase &g, uint64_t seed,
                  Quant block = Quant{}) {
  int i = 0;
  for (Shape3 s : kShapes) {
    runGemm(fn, g, s, i % 2 == 0, block, seed + i);
    ++i;
  }
}

constexpr DType BF = DType::BF16, H = DType::F16, F = DType::F32;
constexpr QuantScheme kNone = QuantScheme::FP8E4M3; // ignored when dense

TEST(GemmKernel, Bf16MatchesTheReference) {
  runAllShapes(
      gemm_bf16_128,
      {"gemm_bf16_128", BF, BF, BF, F, BF, kNone, false, 128, 128, 256}, 1);
}

TEST(GemmKernel, F16MatchesTheReference) {
  runAllShapes(gemm_f16_64,
               {"gemm_f16_64", H, H, H, F, F, kNone, false, 64, 64, 128}, 2);
}

TEST(GemmKernel, F32MatchesTheReference) {
  runAllShapes(gemm_f32_64,
               {"gemm_f32_64", F, F, F, F, F, kNone, false, 64, 64, 128}, 3);
}

TEST(GemmKernel, F32WithRegisterEpilogueMatchesTheReference) {
  runAllShapes(gemm_f32_128_k16,
               {"gemm_f32_128_k16", F, F, F, F, F, kNone, false, 128, 128, 256},
               16);
}

TEST(GemmKernel, DenseWeightsOfAnotherType) {
  runAllShapes(
      gemm_bf16_f32w_64,
      {"gemm_bf16_f32w_64", BF, F, BF, F, F, kNone, false, 64, 64, 128}, 4);
  runAllShapes(gemm_f32_bf16w_64,
               {"gemm_f32_bf16w_64", F, BF, F, F, F, kNone, false, 64, 64, 128},
               5);
}

TEST(GemmKernel, Fp8WeightsMatchTheReference) {
  GemmCase bf{"gemm_bf16_fp8_128",  BF,   DType::F8E4M3, BF,  F,  BF,
              QuantScheme::FP8E4M3, true, 128,           128, 256};
  runAllShapes(gemm_bf16_fp8_128, bf, 6);
  GemmCase f{"gemm_f32_fp8_64",
             F,
             DType::F8E4M3,
             F,
             F,
             F,
             QuantScheme::FP8E4M3,
             true,
             64,
             64,
             128};
  runAllShapes(gemm_f32_fp8_64, f, 7);
  // Small blocks: several scales per tile, boundaries inside a 16-byte chunk.
  runAllShapes(gemm_bf16_fp8_128, bf, 8, Quant{QuantScheme::FP8E4M3, 16, 12});
  runAllShapes(gemm_f32_fp8_64, f, 9, Quant{QuantScheme::FP8E4M3, 7, 20});
}

TEST(GemmKernel, Int8WeightsMatchTheReference) {
  GemmCase g{"gemm_bf16_int8_64", BF,   DType::I8, BF, BF, F,
             QuantScheme::Int8,   true, 64,        64, 128};
  runAllShapes(gemm_bf16_int8_64, g, 10);
  runAllShapes(gemm_bf16_int8_64, g, 11, Quant{QuantScheme::Int8, 32, 8});
}

TEST(GemmKernel, Int4WeightsMatchTheReference) {
  GemmCase h{"gemm_f16_int4_64", H,    DType::I4, H,  F,  H,
             QuantScheme::Int4,  true, 64,        64, 128};
  runAllShapes(gemm_f16_int4_64, h, 12);
  runAllShapes(gemm_f16_int4_64, h, 13, Quant{QuantScheme::Int4, 24, 20});
  GemmCase bf{"gemm_bf16_int4_128", BF,   DType::I4, BF,  F,  BF,
              QuantScheme::Int4,    true, 128,       128, 256};
  runAllShapes(gemm_bf16_int4_128, bf, 14);
  GemmCase f{"gemm_f32_int4_64", F,    DType::I4, F,  F,  F,
             QuantScheme::Int4,  true, 64,        64, 128};
  runAllShapes(gemm_f32_int4_64, f, 15, Quant{QuantScheme::Int4, 64, 16});
}

//===- grouped_gemm -------------------------------------------------------===//

template <class TA, class TW, class TC, class TS>
using GroupedFn = void (*)(ds::gptr<const TA>, ds::gptr<const TW>,
                           ds::gptr<const int>, ds::gptr<const TS>,
                           ds::gptr<TC>, long, int, int, int, int, int);

template <class TA, class TW, class TC, class TS>
void runGrouped(GroupedFn<TA, TW, TC, TS> fn, const GemmCase &g,
                const std::vector<int> &counts, int N, int K, Quant quantBlock,
                uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::optional<Quant> quant = quantOf(g, quantBlock);
  int E = int(counts.size());
  std::vector<int64_t> offs{0};
  for (int n : counts)
    offs.push_back(offs.back() + n);
  long R = long(offs.back());
  std::vector<float> xv(size_t(R) * K);
  for (float &v : xv)
    v = normal(rng);
  Tensor rows = Tensor::floats(g.a, {R, K}, xv);
  Tensor offsets = Tensor::ints(DType::I32, {E + 1}, offs);
  Weight w = randomWeight(rng, g.w, g.scales, quant, {E, N, K});

  Buffers b;
  b.dev.options().seed = seed;
  const void *px = b.in(rows.encode(), "rows");
  const void *pw = b.in(w.w.encode(), "w");
  const void *po = b.in(offsets.encode(), "offsets");
  const void *ps = w.scales ? b.in(w.scales->encode(), "scales") : nullptr;
  // 0xff bytes: NaN if unwritten.
  std::vector<uint8_t> out(size_t(R) * N * widthOf(g.c), 0xff);
  ASSERT_TRUE(b.dev.registerBuffer(out.data(), out.size(), "c").ok());
  unsigned gx = unsigned((R + long(E) * (g.bm - 1) + g.bm - 1) / g.bm);
  unsigned gy = unsigned((N + g.bn - 1) / g.bn);
  ds::Status st = ds::sim::launch(
      b.dev, fn, g.entry, {gx, gy}, {unsigned(g.threads)}, 0,
      static_cast<const TA *>(px), static_cast<const TW *>(pw),
      static_cast<const int *>(po), static_cast<const TS *>(ps),
      reinterpret_cast<TC *>(out.data()), R, E, N, K,
      int(quant ? quant->blockRows : 0), int(quant ? quant->blockCols : 0));
  ASSERT_TRUE(st.ok()) << st.message();

  auto truth = ds::cpu::groupedMatmul(
      rows, w.w, offsets, w.scales ? &*w.scales : nullptr, quant, g.c);
  ASSERT_TRUE(truth.ok()) << truth.message();
  Tensor exact = *truth;
  if (g.a != DType::F32 && (quant || g.w != g.a)) {
    auto r = ds::cpu::groupedMatmul(rows, roundedWeight(w, quant, g.a), offsets,
                                    nullptr, std::nullopt, g.c);
    ASSERT_TRUE(r.ok()) << r.message();
    exact = *r;
  }
  std::string what = std::string(g.entry) + " E=" + std::to_string(E) +
                     " R=" + std::to_string(R) + " N=" + std::to_string(N) +
                     " K=" + std::to_string(K);
  expectClose(g.c, decode(g.c, out), exact, *truth, what);
}

/// Expert row counts: empty experts, one expert with every row, a tile plus
/// one row, single rows.
const std::vector<std::vector<int>> kGroups = {
    {0, 5, 0, 0, 130, 1, 0, 3}, {0, 0, 9, 0}, {1, 0, 2, 0, 0, 1}};

template <class Fn>
void runAllGroups(Fn fn, const GemmCase &g, uint64_t seed,
                  Quant block = Quant{}) {
  const int shapes[][2] = {{72, 40}, {128, 64}, {40, 37}};
  for (size_t i = 0; i < 3; ++i)
    runGrouped(fn, g, kGroups[i], shapes[i][0], shapes[i][1], block, seed + i);
}

TEST(GroupedGemmKernel, Bf16MatchesTheReference) {
  runAllGroups(
      grouped_bf16_128,
      {"grouped_bf16_128", BF, BF, BF, F, F, kNone, false, 128, 128, 256}, 20);
}

TEST(GroupedGemmKernel, F16MatchesTheReference) {
  runAllGroups(grouped_f16_64,
               {"grouped_f16_64", H, H, H, F, F, kNone, false, 64, 64, 128},
               21);
}

TEST(GroupedGemmKernel, F32MatchesTheReference) {
  runAllGroups(grouped_f32_64,
               {"grouped_f32_64", F, F, F, F, F, kNone, false, 64, 64, 128},
               22);
}

TEST(GroupedGemmKernel, QuantizedWeightsMatchTheReference) {
  runAllGroups(grouped_bf16_fp8_128,
               {"grouped_bf16_fp8_128", BF, DType::F8E4M3, BF, F, F,
                QuantScheme::FP8E4M3, true, 128, 128, 256},
               23);
  runAllGroups(grouped_bf16_int4_64,
               {"grouped_bf16_int4_64", BF, DType::I4, BF, F, F,
                QuantScheme::Int4, true, 64, 64, 128},
               24, Quant{QuantScheme::Int4, 16, 24});
  runAllGroups(grouped_f32_int8_64,
               {"grouped_f32_int8_64", F, DType::I8, F, F, F, QuantScheme::Int8,
                true, 64, 64, 128},
               25, Quant{QuantScheme::Int8, 32, 32});
}

//===- the fused SwiGLU epilogue ------------------------------------------===//

/// Rows [h · R / 2, (h + 1) · R / 2) of every [R, C] slice of `t` (the gate
/// half for h = 0, the up half for h = 1).
Tensor halfRows(const Tensor &t, int h) {
  int64_t r = t.dim(-2), c = t.dim(-1), lead = t.numel() / (r * c);
  ds::cpu::Shape shape = t.shape();
  shape[shape.size() - 2] = r / 2;
  std::vector<float> fv;
  std::vector<int64_t> iv;
  for (int64_t e = 0; e < lead; ++e)
    for (int64_t i = 0; i < r / 2; ++i)
      for (int64_t j = 0; j < c; ++j) {
        size_t at = size_t((e * r + h * (r / 2) + i) * c + j);
        if (t.isFloat())
          fv.push_back(t.f()[at]);
        else
          iv.push_back(t.i()[at]);
      }
  return t.isFloat() ? Tensor::floats(t.dtype(), shape, fv)
                     : Tensor::ints(t.dtype(), shape, iv);
}

/// The gate (h = 0) or up (h = 1) half of a fused weight [..., N, K] and of
/// its scales (N / 2 a multiple of the block rows).
Weight halfOf(const Weight &w, int h) {
  Weight out;
  out.w = halfRows(w.w, h);
  if (w.scales)
    out.scales = halfRows(*w.scales, h);
  return out;
}

/// ds::cpu::swiglu of two results of type `out`, as its encoded bytes.
std::vector<uint8_t> swigluBytes(DType out, const Tensor &gate,
                                 const Tensor &up) {
  auto y = ds::cpu::swiglu(gate, up, out);
  EXPECT_TRUE(y.ok()) << y.message();
  return y.ok() ? y->encode() : std::vector<uint8_t>{};
}

/// Expects `y` and `want` (bytes of `out`) to be identical, naming the
/// first difference.
void expectSameBits(DType out, const std::vector<uint8_t> &y,
                    const std::vector<uint8_t> &want, const std::string &what) {
  ASSERT_EQ(y.size(), want.size()) << what;
  std::vector<float> yv = decode(out, y), wv = decode(out, want);
  size_t differ = 0, first = 0;
  size_t width = widthOf(out);
  for (size_t i = 0; i < yv.size(); ++i)
    if (std::memcmp(&y[i * width], &want[i * width], width) != 0 &&
        differ++ == 0)
      first = i;
  EXPECT_EQ(differ, 0u) << what << ": first at element " << first << ", "
                        << (differ ? yv[first] : 0.0f) << " vs "
                        << (differ ? wv[first] : 0.0f);
}

/// The references of one half (gate or up) of a fused weight: `truth` the
/// reference proper, `exact` the reference on the weights the kernel
/// multiplies (roundedWeight; `truth` where the kernel does not round).
struct HalfReference {
  Tensor truth, exact;
};

/// The checks of a fused SwiGLU result `y` (bytes of `out`, [rows, N / 2])
/// given the unfused entry's results on the halves, yGate and yUp:
///   - yGate and yUp against their references with expectClose (the
///     tolerances of the unfused tests);
///   - y bit for bit against cpu::swiglu(yGate, yUp): the fused epilogue
///     computes what the unfused kernels and moe.swiglu compute;
///   - y against cpu::swiglu of the exact references with expectClose's
///     ulp bounds, and for f32 activations (the FFMA path) bit for bit
///     against cpu::swiglu of the references proper.
void expectSwiGLU(DType a, DType out, ds::cpu::Shape shape,
                  const std::vector<uint8_t> &y,
                  const std::vector<uint8_t> &yGate,
                  const std::vector<uint8_t> &yUp, const HalfReference &gate,
                  const HalfReference &up, const std::string &what) {
  std::vector<float> g = decode(out, yGate), u = decode(out, yUp);
  expectClose(out, g, gate.exact, gate.truth, what + " (gate)");
  expectClose(out, u, up.exact, up.truth, what + " (up)");
  expectSameBits(out, y,
                 swigluBytes(out, Tensor::floats(out, shape, g),
                             Tensor::floats(out, shape, u)),
                 what + " vs swiglu of the unfused kernel");
  auto composed = [&](const Tensor &gt, const Tensor &ut) {
    auto r = ds::cpu::swiglu(gt, ut, out);
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? *r : Tensor();
  };
  Tensor exact = composed(gate.exact, up.exact);
  expectClose(out, decode(out, y), exact, exact, what);
  if (a == DType::F32)
    expectSameBits(out, y, composed(gate.truth, up.truth).encode(),
                   what + " vs the reference");
}

/// One sim launch of a gemm entry: c [M, cols] of TC for `x` [M, K] and the
/// weight `w` [N, K] (N weight rows; cols = N, or N / 2 with the SwiGLU
/// epilogue), no bias.
template <class TA, class TW, class TC, class TS, class TB>
std::vector<uint8_t> simGemm(GemmFn<TA, TW, TC, TS, TB> fn, const char *entry,
                             const GemmCase &g, const Tensor &x,
                             const Weight &w, int cols,
                             const std::optional<Quant> &quant, uint64_t seed) {
  long m = long(x.dim(0));
  int n = int(w.w.dim(0)), k = int(x.dim(1));
  Buffers b;
  b.dev.options().seed = seed;
  const void *px = b.in(x.encode(), "a");
  const void *pw = b.in(w.w.encode(), "w");
  const void *ps = w.scales ? b.in(w.scales->encode(), "scales") : nullptr;
  // 0xff bytes: NaN if unwritten.
  std::vector<uint8_t> out(size_t(m) * cols * widthOf(g.c), 0xff);
  EXPECT_TRUE(b.dev.registerBuffer(out.data(), out.size(), "c").ok());
  unsigned gx = unsigned((m + g.bm - 1) / g.bm);
  unsigned gy = unsigned((n + g.bn - 1) / g.bn);
  ds::Status st = ds::sim::launch(
      b.dev, fn, entry, {gx, gy}, {unsigned(g.threads)}, 0,
      static_cast<const TA *>(px), static_cast<const TW *>(pw),
      static_cast<const TS *>(ps), static_cast<const TB *>(nullptr),
      reinterpret_cast<TC *>(out.data()), m, n, k,
      int(quant ? quant->blockRows : 0), int(quant ? quant->blockCols : 0));
  EXPECT_TRUE(st.ok()) << entry << ": " << st.message();
  return out;
}

/// The fused entry `fused` (w = [gate; up], N weight rows) on the sim, and
/// the unfused entry `plain` (the same configuration) on each half, checked
/// by expectSwiGLU against cpu::linear of each half.
template <class TA, class TW, class TC, class TS, class TB>
void runSwiGLU(GemmFn<TA, TW, TC, TS, TB> fused,
               GemmFn<TA, TW, TC, TS, TB> plain, const char *plainEntry,
               const GemmCase &g, Shape3 s, Quant quantBlock, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::optional<Quant> quant = quantOf(g, quantBlock);
  int half = s.n / 2;
  std::vector<float> xv(size_t(s.m) * s.k);
  for (float &v : xv)
    v = normal(rng);
  Tensor x = Tensor::floats(g.a, {s.m, s.k}, xv);
  Weight w = randomWeight(rng, g.w, g.scales, quant, {s.n, s.k});
  Weight gate = halfOf(w, 0), up = halfOf(w, 1);

  std::vector<uint8_t> y = simGemm(fused, g.entry, g, x, w, half, quant, seed);
  std::vector<uint8_t> yGate =
      simGemm(plain, plainEntry, g, x, gate, half, quant, seed);
  std::vector<uint8_t> yUp =
      simGemm(plain, plainEntry, g, x, up, half, quant, seed);

  bool rounds = g.a != DType::F32 && (quant || g.w != g.a);
  auto reference = [&](const Weight &h) {
    auto truth = ds::cpu::linear(x, h.w, h.scales ? &*h.scales : nullptr,
                                 nullptr, quant, g.c);
    EXPECT_TRUE(truth.ok()) << truth.message();
    HalfReference r{truth.ok() ? *truth : Tensor(), Tensor()};
    r.exact = r.truth;
    if (rounds) {
      auto e = ds::cpu::linear(x, roundedWeight(h, quant, g.a), nullptr,
                               nullptr, std::nullopt, g.c);
      EXPECT_TRUE(e.ok()) << e.message();
      if (e.ok())
        r.exact = *e;
    }
    return r;
  };

  char what[160];
  std::snprintf(what, sizeof what, "%s M=%ld N=%d K=%d block=%lldx%lld",
                g.entry, s.m, s.n, s.k, (long long)quantBlock.blockRows,
                (long long)quantBlock.blockCols);
  expectSwiGLU(g.a, g.c, {s.m, half}, y, yGate, yUp, reference(gate),
               reference(up), std::string(what) + ", " + plainEntry);
}

/// Weight rows N = 2 · (N / 2): N / 2 in {36, 100, 68, 128} is a partial
/// tile of 32 and 64 output columns and not a multiple of 8 except 128; M
/// in {1, 7, 129}; K = 37 takes the scalar path.
constexpr Shape3 kSwiGLUShapes[] = {
    {1, 72, 40}, {7, 200, 40}, {129, 136, 64}, {129, 256, 64}, {7, 72, 37}};

template <class Fn>
void runSwiGLUShapes(Fn fused, Fn plain, const char *plainEntry,
                     const GemmCase &g, uint64_t seed, Quant block = Quant{}) {
  int i = 0;
  for (Shape3 s : kSwiGLUShapes)
    runSwiGLU(fused, plain, plainEntry, g, s, block, seed + i++);
}

TEST(GemmSwiGLUKernel, Bf16MatchesTheReference) {
  runSwiGLUShapes(
      swiglu_bf16_128, gemm_bf16_128, "gemm_bf16_128",
      {"swiglu_bf16_128", BF, BF, BF, F, BF, kNone, false, 128, 128, 256}, 40);
}

TEST(GemmSwiGLUKernel, F16MatchesTheReference) {
  runSwiGLUShapes(swiglu_f16_64, gemm_f16_64, "gemm_f16_64",
                  {"swiglu_f16_64", H, H, H, F, F, kNone, false, 64, 64, 128},
                  41);
}

TEST(GemmSwiGLUKernel, F32MatchesTheReference) {
  runSwiGLUShapes(swiglu_f32_64, gemm_f32_64, "gemm_f32_64",
                  {"swiglu_f32_64", F, F, F, F, F, kNone, false, 64, 64, 128},
                  42);
  runSwiGLUShapes(
      swiglu_f32_128_k16, gemm_f32_128_k16, "gemm_f32_128_k16",
      {"swiglu_f32_128_k16", F, F, F, F, F, kNone, false, 128, 128, 256}, 43);
}

TEST(GemmSwiGLUKernel, Fp8WeightsMatchTheReference) {
  GemmCase bf{"swiglu_bf16_fp8_128", BF,   DType::F8E4M3, BF,  F,  BF,
              QuantScheme::FP8E4M3,  true, 128,           128, 256};
  // Blocks of 128 x 128: N / 2 = 128 and 256; K = 200 ends in a partial
  // block.
  const Shape3 block128[] = {{1, 256, 256}, {129, 256, 200}, {7, 512, 128}};
  int i = 0;
  for (Shape3 s : block128)
    runSwiGLU(swiglu_bf16_fp8_128, gemm_bf16_fp8_128, "gemm_bf16_fp8_128", bf,
              s, Quant{}, 44 + i++);
  // Blocks of 4 rows: several scales per tile, both halves' own.
  runSwiGLUShapes(swiglu_bf16_fp8_128, gemm_bf16_fp8_128, "gemm_bf16_fp8_128",
                  bf, 50, Quant{QuantScheme::FP8E4M3, 4, 12});
  GemmCase f{"swiglu_f32_fp8_64",
             F,
             DType::F8E4M3,
             F,
             F,
             F,
             QuantScheme::FP8E4M3,
             true,
             64,
             64,
             128};
  runSwiGLUShapes(swiglu_f32_fp8_64, gemm_f32_fp8_64, "gemm_f32_fp8_64", f, 55,
                  Quant{QuantScheme::FP8E4M3, 4, 20});
}

TEST(GemmSwiGLUKernel, IntWeightsMatchTheReference) {
  GemmCase i8{"swiglu_bf16_int8_64", BF,   DType::I8, BF, BF, F,
              QuantScheme::Int8,     true, 64,        64, 128};
  // Column blocks of whole 16-byte chunks (one scale a chunk), then with
  // boundaries inside a chunk (a scale per element).
  runSwiGLUShapes(swiglu_bf16_int8_64, gemm_bf16_int8_64, "gemm_bf16_int8_64",
                  i8, 60, Quant{QuantScheme::Int8, 4, 32});
  GemmCase i4{"swiglu_f16_int4_64", H,    DType::I4, H,  F,  H,
              QuantScheme::Int4,    true, 64,        64, 128};
  runSwiGLUShapes(swiglu_f16_int4_64, gemm_f16_int4_64, "gemm_f16_int4_64", i4,
                  65, Quant{QuantScheme::Int4, 2, 64});
  runSwiGLUShapes(swiglu_f16_int4_64, gemm_f16_int4_64, "gemm_f16_int4_64", i4,
                  70, Quant{QuantScheme::Int4, 4, 20});
}

/// One sim launch of a grouped entry: c [R, cols] for `rows` [R, K], the
/// experts' `offsets` and the weight [E, N, K].
template <class TA, class TW, class TC, class TS>
std::vector<uint8_t>
simGrouped(GroupedFn<TA, TW, TC, TS> fn, const char *entry, const GemmCase &g,
           const Tensor &rows, const Tensor &offsets, const Weight &w, int cols,
           const std::optional<Quant> &quant, uint64_t seed) {
  long r = long(rows.dim(0));
  int e = int(w.w.dim(0)), n = int(w.w.dim(1)), k = int(rows.dim(1));
  Buffers b;
  b.dev.options().seed = seed;
  const void *px = b.in(rows.encode(), "rows");
  const void *pw = b.in(w.w.encode(), "w");
  const void *po = b.in(offsets.encode(), "offsets");
  const void *ps = w.scales ? b.in(w.scales->encode(), "scales") : nullptr;
  // 0xff bytes: NaN if unwritten.
  std::vector<uint8_t> out(size_t(r) * cols * widthOf(g.c), 0xff);
  EXPECT_TRUE(b.dev.registerBuffer(out.data(), out.size(), "c").ok());
  unsigned gx = unsigned((r + long(e) * (g.bm - 1) + g.bm - 1) / g.bm);
  unsigned gy = unsigned((n + g.bn - 1) / g.bn);
  ds::Status st = ds::sim::launch(
      b.dev, fn, entry, {gx, gy}, {unsigned(g.threads)}, 0,
      static_cast<const TA *>(px), static_cast<const TW *>(pw),
      static_cast<const int *>(po), static_cast<const TS *>(ps),
      reinterpret_cast<TC *>(out.data()), r, e, n, k,
      int(quant ? quant->blockRows : 0), int(quant ? quant->blockCols : 0));
  EXPECT_TRUE(st.ok()) << entry << ": " << st.message();
  return out;
}

/// runSwiGLU for the grouped kernel: w [E, N, K] with w[e] = [gate_e; up_e].
template <class TA, class TW, class TC, class TS>
void runGroupedSwiGLU(GroupedFn<TA, TW, TC, TS> fused,
                      GroupedFn<TA, TW, TC, TS> plain, const char *plainEntry,
                      const GemmCase &g, const std::vector<int> &counts, int N,
                      int K, Quant quantBlock, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::optional<Quant> quant = quantOf(g, quantBlock);
  int E = int(counts.size()), half = N / 2;
  std::vector<int64_t> offs{0};
  for (int n : counts)
    offs.push_back(offs.back() + n);
  long R = long(offs.back());
  std::vector<float> xv(size_t(R) * K);
  for (float &v : xv)
    v = normal(rng);
  Tensor rows = Tensor::floats(g.a, {R, K}, xv);
  Tensor offsets = Tensor::ints(DType::I32, {E + 1}, offs);
  Weight w = randomWeight(rng, g.w, g.scales, quant, {E, N, K});
  Weight gate = halfOf(w, 0), up = halfOf(w, 1);

  std::vector<uint8_t> y =
      simGrouped(fused, g.entry, g, rows, offsets, w, half, quant, seed);
  std::vector<uint8_t> yGate =
      simGrouped(plain, plainEntry, g, rows, offsets, gate, half, quant, seed);
  std::vector<uint8_t> yUp =
      simGrouped(plain, plainEntry, g, rows, offsets, up, half, quant, seed);

  bool rounds = g.a != DType::F32 && (quant || g.w != g.a);
  auto reference = [&](const Weight &h) {
    auto truth = ds::cpu::groupedMatmul(
        rows, h.w, offsets, h.scales ? &*h.scales : nullptr, quant, g.c);
    EXPECT_TRUE(truth.ok()) << truth.message();
    HalfReference r{truth.ok() ? *truth : Tensor(), Tensor()};
    r.exact = r.truth;
    if (rounds) {
      auto e = ds::cpu::groupedMatmul(rows, roundedWeight(h, quant, g.a),
                                      offsets, nullptr, std::nullopt, g.c);
      EXPECT_TRUE(e.ok()) << e.message();
      if (e.ok())
        r.exact = *e;
    }
    return r;
  };

  std::string what = std::string(g.entry) + " E=" + std::to_string(E) +
                     " R=" + std::to_string(R) + " N=" + std::to_string(N) +
                     " K=" + std::to_string(K) + ", " + plainEntry;
  expectSwiGLU(g.a, g.c, {R, half}, y, yGate, yUp, reference(gate),
               reference(up), what);
}

/// kGroups (empty experts, one expert with every row, a tile plus one row,
/// single rows) with N / 2 in {36, 100, 20}.
template <class Fn>
void runSwiGLUGroups(Fn fused, Fn plain, const char *plainEntry,
                     const GemmCase &g, uint64_t seed, Quant block = Quant{}) {
  const int shapes[][2] = {{72, 40}, {200, 64}, {40, 37}};
  for (size_t i = 0; i < 3; ++i)
    runGroupedSwiGLU(fused, plain, plainEntry, g, kGroups[i], shapes[i][0],
                     shapes[i][1], block, seed + i);
}

TEST(GroupedGemmSwiGLUKernel, Bf16MatchesTheReference) {
  runSwiGLUGroups(grouped_swiglu_bf16_128, grouped_bf16_128, "grouped_bf16_128",
                  {"grouped_swiglu_bf16_128", BF, BF, BF, F, F, kNone, false,
                   128, 128, 256},
                  70);
}

TEST(GroupedGemmSwiGLUKernel, F32MatchesTheReference) {
  runSwiGLUGroups(
      grouped_swiglu_f32_64, grouped_f32_64, "grouped_f32_64",
      {"grouped_swiglu_f32_64", F, F, F, F, F, kNone, false, 64, 64, 128}, 73);
}

TEST(GroupedGemmSwiGLUKernel, QuantizedWeightsMatchTheReference) {
  GemmCase fp8{"grouped_swiglu_bf16_fp8_128", BF,   DType::F8E4M3, BF,  F,  F,
               QuantScheme::FP8E4M3,          true, 128,           128, 256};
  // Blocks of 128 x 128 (N / 2 = 128), then of 4 x 12 (column boundaries
  // inside a 16-byte chunk).
  runGroupedSwiGLU(grouped_swiglu_bf16_fp8_128, grouped_bf16_fp8_128,
                   "grouped_bf16_fp8_128", fp8, kGroups[0], 256, 160, Quant{},
                   76);
  runSwiGLUGroups(grouped_swiglu_bf16_fp8_128, grouped_bf16_fp8_128,
                  "grouped_bf16_fp8_128", fp8, 77,
                  Quant{QuantScheme::FP8E4M3, 4, 12});
  runSwiGLUGroups(grouped_swiglu_f32_int8_64, grouped_f32_int8_64,
                  "grouped_f32_int8_64",
                  {"grouped_swiglu_f32_int8_64", F, DType::I8, F, F, F,
                   QuantScheme::Int8, true, 64, 64, 128},
                  80, Quant{QuantScheme::Int8, 4, 32});
}

//===- configurations and NVRTC -------------------------------------------===//

//===----------------------------------------------------------------------===//
// The split epilogue
//===----------------------------------------------------------------------===//

template <class TA, class TW, class TC, class TS, class TB>
using SplitFn = void (*)(ds::gptr<const TA>, ds::gptr<const TW>,
                         ds::gptr<const TS>, ds::gptr<const TB>, ds::gptr<TC>,
                         ds::gptr<TC>, ds::gptr<TC>, ds::gptr<TC>, long, int,
                         int, int, int, int, int, int);

/// The split entry `split` (case `g`) against its plain twin `plain` of the
/// same configuration over the joined weight: segment s of `parts` is
/// columns [begin_s, begin_s + parts[s]) of the twin's result, bit for bit
/// (each column is accumulated alone, in the same order), for M in {1, 7,
/// 129}, with and without bias; the twin meets cpu::linear (above), and
/// each segment meets cpu::linearSplit within the file's tolerances.
template <class TA, class TW, class TC, class TS, class TB>
void runSplit(SplitFn<TA, TW, TC, TS, TB> split,
              GemmFn<TA, TW, TC, TS, TB> plain, const char *plainName,
              const GemmCase &g, std::vector<int> parts, int k, Quant block,
              uint64_t seed) {
  int n = 0;
  for (int p : parts)
    n += p;
  std::optional<Quant> quant = quantOf(g, block);
  int i = 0;
  for (long m : {1L, 7L, 129L}) {
    bool withBias = i++ % 2 == 0;
    std::mt19937 rng(seed + m);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> xv(size_t(m) * k), bv(n);
    for (float &v : xv)
      v = normal(rng);
    for (float &v : bv)
      v = normal(rng);
    Tensor x = Tensor::floats(g.a, {m, k}, xv);
    Tensor bias = Tensor::floats(g.bias, {n}, bv);
    Weight w = randomWeight(rng, g.w, g.scales, quant, {n, k});

    Buffers b;
    b.dev.options().seed = seed;
    const void *px = b.in(x.encode(), "a");
    const void *pw = b.in(w.w.encode(), "w");
    const void *ps = w.scales ? b.in(w.scales->encode(), "scales") : nullptr;
    const void *pb = withBias ? b.in(bias.encode(), "bias") : nullptr;
    size_t width = widthOf(g.c);
    // 0xff bytes: NaN if unwritten; each segment its own buffer.
    std::vector<std::vector<uint8_t>> outs;
    for (int p : parts)
      outs.emplace_back(size_t(m) * p * width, 0xff);
    TC *ptrs[4] = {nullptr, nullptr, nullptr, nullptr};
    for (size_t s = 0; s < outs.size(); ++s) {
      std::string name = "c" + std::to_string(s);
      ASSERT_TRUE(
          b.dev.registerBuffer(outs[s].data(), outs[s].size(), name.c_str())
              .ok());
      ptrs[s] = reinterpret_cast<TC *>(outs[s].data());
    }
    std::vector<uint8_t> whole(size_t(m) * n * width, 0xff);
    ASSERT_TRUE(b.dev.registerBuffer(whole.data(), whole.size(), "c").ok());
    int sizes[3] = {0, 0, 0};
    for (size_t s = 0; s + 1 < parts.size(); ++s)
      sizes[s] = parts[s];
    unsigned gx = unsigned((m + g.bm - 1) / g.bm);
    unsigned gy = unsigned((n + g.bn - 1) / g.bn);
    int qbr = int(quant ? quant->blockRows : 0);
    int qbc = int(quant ? quant->blockCols : 0);
    ds::Status st = ds::sim::launch(
        b.dev, split, g.entry, {gx, gy}, {unsigned(g.threads)}, 0,
        static_cast<const TA *>(px), static_cast<const TW *>(pw),
        static_cast<const TS *>(ps), static_cast<const TB *>(pb), ptrs[0],
        ptrs[1], ptrs[2], ptrs[3], m, n, k, sizes[0], sizes[1], sizes[2], qbr,
        qbc);
    ASSERT_TRUE(st.ok()) << st.message();
    st = ds::sim::launch(
        b.dev, plain, plainName, {gx, gy}, {unsigned(g.threads)}, 0,
        static_cast<const TA *>(px), static_cast<const TW *>(pw),
        static_cast<const TS *>(ps), static_cast<const TB *>(pb),
        reinterpret_cast<TC *>(whole.data()), m, n, k, qbr, qbc);
    ASSERT_TRUE(st.ok()) << st.message();

    auto truth = ds::cpu::linearSplit(
        x, w.w, w.scales ? &*w.scales : nullptr, withBias ? &bias : nullptr,
        quant, std::vector<int64_t>(parts.begin(), parts.end()), g.c);
    ASSERT_TRUE(truth.ok()) << truth.message();
    std::optional<ds::Expected<std::vector<Tensor>>> rounded;
    if (g.a != DType::F32 && (quant || g.w != g.a))
      rounded = ds::cpu::linearSplit(
          x, roundedWeight(w, quant, g.a), nullptr, withBias ? &bias : nullptr,
          std::nullopt, std::vector<int64_t>(parts.begin(), parts.end()), g.c);
    int col0 = 0;
    for (size_t s = 0; s < parts.size(); ++s) {
      char what[160];
      std::snprintf(what, sizeof what, "%s M=%ld segment %zu of %zu bias=%d",
                    g.entry, m, s, parts.size(), int(withBias));
      for (long r = 0; r < m; ++r)
        EXPECT_EQ(std::memcmp(outs[s].data() + size_t(r) * parts[s] * width,
                              whole.data() + (size_t(r) * n + col0) * width,
                              size_t(parts[s]) * width),
                  0)
            << what << " row " << r;
      const Tensor &exact = rounded ? (**rounded)[s] : (*truth)[s];
      expectClose(g.c, decode(g.c, outs[s]), exact, (*truth)[s], what);
      col0 += parts[s];
    }
  }
}

TEST(GemmSplitKernel, Bf16MatchesThePlainKernel) {
  // Q, K, V of grouped-query attention: 16-byte stores when every segment
  // is a multiple of 8 columns, element stores otherwise; segments that
  // start inside a CTA's tile.
  GemmCase g{"split3_bf16_128", BF, BF, BF, F, BF, kNone, false, 128, 128, 256};
  runSplit(split3_bf16_128, gemm_bf16_128, "gemm_bf16_128", g, {64, 16, 16}, 64,
           Quant{}, 90);
  runSplit(split3_bf16_128, gemm_bf16_128, "gemm_bf16_128", g, {40, 20, 12}, 40,
           Quant{}, 91);
  runSplit(split3_bf16_128, gemm_bf16_128, "gemm_bf16_128", g, {130, 70, 60},
           37, Quant{}, 92);
}

TEST(GemmSplitKernel, Fp8WeightsKeepScaleBlocks) {
  // MLA's q_a and kv_a in FP8 block-128: the first segment whole scale
  // blocks, the last ragged (DeepSeek-V3's 1536 + 576 in small).
  GemmCase g{"split2_bf16_fp8_128", BF,   DType::F8E4M3, BF,  F,  BF,
             QuantScheme::FP8E4M3,  true, 128,           128, 256};
  runSplit(split2_bf16_fp8_128, gemm_bf16_fp8_128, "gemm_bf16_fp8_128", g,
           {256, 80}, 160, Quant{QuantScheme::FP8E4M3, 128, 128}, 93);
}

TEST(GemmSplitKernel, F32FourSegmentsAndTheRegisterEpilogue) {
  GemmCase g{"split4_f32_64", F, F, F, F, F, kNone, false, 64, 64, 128};
  runSplit(split4_f32_64, gemm_f32_64, "gemm_f32_64", g, {8, 24, 4, 36}, 40,
           Quant{}, 94);
  // 128x128x16: the C tile does not fit shared memory, fragment stores.
  GemmCase r{"split3_f32_128_k16", F, F, F, F, F, kNone, false, 128, 128, 256};
  runSplit(split3_f32_128_k16, gemm_f32_128_k16, "gemm_f32_128_k16", r,
           {64, 16, 16}, 40, Quant{}, 95);
}

TEST(GemmSplitKernel, CompilesWithNvrtcWithoutLocalMemory) {
  // Each split entry after its plain twin: the registers side by side.
  const char *entries[] = {
      "gemm_bf16_128",       "split3_bf16_128",    "gemm_bf16_fp8_128",
      "split2_bf16_fp8_128", "gemm_f32_64",        "split4_f32_64",
      "gemm_f32_128_k16",    "split3_f32_128_k16", "split2_bf16_fp8_64x128"};
  expectEntriesCompile(
      readFile(DS_GEMM_KERNELS), entries, kMaxStaticSmem,
      [&](size_t i, const ds::codegen::CompiledKernel &k) {
        if (std::string(entries[i]).find("f32_") == std::string::npos) {
          EXPECT_NE(k.ptx.find("mma.sync.aligned.m16n8k16"), std::string::npos)
              << entries[i];
        }
      });
}

TEST(GemmKernel, ConfigurationsTheCodeGeneratorMayPick) {
  using ds::GemmQuant;
  static_assert(ds::gemmSharedBytes<__nv_bfloat16, 128, 128, 32, 3>() ==
                    48 * 1024,
                "128x128x32, 3 stages: exactly 48 KiB");
  static_assert(ds::gemmSupports<__nv_bfloat16, __nv_bfloat16, GemmQuant::None,
                                 128, 128, 32, 3, 2, 4>());
  static_assert(ds::gemmSupports<float, unsigned char, GemmQuant::Int4, 64, 64,
                                 32, 3, 2, 2>());
  // 4 stages of 128x128x32 bf16: 64 KiB of static shared memory.
  static_assert(!ds::gemmSupports<__nv_bfloat16, __nv_bfloat16, GemmQuant::None,
                                  128, 128, 32, 4, 2, 4>());
  // int4 needs BK to hold a whole 16-byte chunk (32 elements).
  static_assert(!ds::gemmSupports<__half, unsigned char, GemmQuant::Int4, 64,
                                  64, 16, 3, 2, 2>());
  // A warp tile of tensor cores is a multiple of 16 x 16.
  static_assert(!ds::gemmSupports<__half, __half, GemmQuant::None, 64, 64, 32,
                                  3, 8, 1>());
  // The SwiGLU epilogue: the code generator's tiles, and a warp N extent of
  // whole 16-row groups (8 gate + 8 up rows), which FFMA alone does not need.
  static_assert(ds::gemmSupports<__nv_bfloat16, __nv_bfloat16, GemmQuant::None,
                                 128, 128, 32, 3, 2, 4, true>());
  static_assert(
      ds::gemmSupports<__nv_bfloat16, unsigned char, GemmQuant::Fp8E4M3, 128,
                       128, 32, 3, 2, 4, true>());
  static_assert(ds::gemmSupports<float, float, GemmQuant::None, 64, 64, 32, 3,
                                 2, 2, true>());
  static_assert(
      ds::gemmSupports<float, float, GemmQuant::None, 64, 32, 32, 3, 2, 4>());
  static_assert(!ds::gemmSupports<float, float, GemmQuant::None, 64, 32, 32, 3,
                                  2, 4, true>());
  static_assert(!ds::gemmSupports<float, float, GemmQuant::None, 64, 96, 32, 3,
                                  2, 4, true>());
  static_assert(
      !ds::gemmSupports<float, double, GemmQuant::None, 64, 64, 32, 3, 2, 2>());
  SUCCEED();
}

TEST(GemmKernel, CompilesWithNvrtcWithoutLocalMemory) {
  const char *entries[] = {
      "gemm_bf16_128",        "gemm_f16_64",          "gemm_f32_64",
      "gemm_bf16_f32w_64",    "gemm_f32_bf16w_64",    "gemm_bf16_fp8_128",
      "gemm_bf16_int8_64",    "gemm_f16_int4_64",     "gemm_bf16_int4_128",
      "gemm_f32_fp8_64",      "gemm_f32_int4_64",     "gemm_f32_128_k16",
      "grouped_bf16_128",     "grouped_f16_64",       "grouped_f32_64",
      "grouped_bf16_fp8_128", "grouped_bf16_int4_64", "grouped_f32_int8_64"};
  auto results = compileEntries(readFile(DS_GEMM_KERNELS), entries);
  ASSERT_EQ(results.size(), std::size(entries));
  for (size_t i = 0; i < results.size(); ++i) {
    auto &k = results[i];
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    EXPECT_NE(k->ptx.find(std::string(".entry ") + entries[i]),
              std::string::npos);
    EXPECT_EQ(k->ptx.find(".entry", k->ptx.find(".entry") + 1),
              std::string::npos)
        << entries[i] << ": one kernel per source";
    bool mma = std::string(entries[i]).find("f32_") == std::string::npos ||
               std::string(entries[i]).find("bf16_f32w") != std::string::npos;
    if (mma) {
      EXPECT_NE(k->ptx.find("mma.sync.aligned.m16n8k16"), std::string::npos)
          << entries[i];
      EXPECT_NE(k->ptx.find("ldmatrix.sync.aligned"), std::string::npos)
          << entries[i];
    }
    EXPECT_LE(k->staticSharedBytes, kMaxStaticSmem) << entries[i];
    printResources(entries[i], *k);
    expectNoLocalMemory(entries[i], *k);
  }
}

TEST(GemmSwiGLUKernel, CompilesWithNvrtcWithoutLocalMemory) {
  // Each fused entry after its unfused twin: the registers side by side.
  const char *entries[] = {"gemm_bf16_128",       "swiglu_bf16_128",
                           "gemm_f32_64",         "swiglu_f32_64",
                           "gemm_bf16_fp8_128",   "swiglu_bf16_fp8_128",
                           "gemm_f16_int4_64",    "swiglu_f16_int4_64",
                           "gemm_f32_128_k16",    "swiglu_f32_128_k16",
                           "grouped_bf16_128",    "grouped_swiglu_bf16_128",
                           "grouped_f32_int8_64", "grouped_swiglu_f32_int8_64"};
  expectEntriesCompile(
      readFile(DS_GEMM_KERNELS), entries, kMaxStaticSmem,
      [&](size_t i, const ds::codegen::CompiledKernel &k) {
        if (std::string(entries[i]).find("f32_") == std::string::npos) {
          EXPECT_NE(k.ptx.find("mma.sync.aligned.m16n8k16"), std::string::npos)
              << entries[i];
        }
      });
}

} // namespace
