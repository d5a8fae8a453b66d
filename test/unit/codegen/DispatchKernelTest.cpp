//===- DispatchKernelTest.cpp - dispatch and combine, sim and NVRTC -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/dispatch.cuh on the sim against the CPU reference, bit for
// bit: dispatch against ds::cpu::dispatch (perm, offsets and rows equal for
// T in {1, 7, 300}, K in {1, 2, 8}, E in {4, 64, 256}, uniform, one-expert
// and mostly-empty routings, chunks small enough for many CTAs and several
// ranking rounds per CTA; bad indices sorted after the last expert), combine
// against ds::cpu::combine for bf16 and f32 rows with f32 and bf16 weights
// over several CTAs; and through NVRTC for sm_90a without local memory.
//
//===----------------------------------------------------------------------===//

#include "dispatch_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace {

using ds::DType;
using ds::cpu::Tensor;
using namespace ds::test;

//===- dispatch -----------------------------------------------------------===//

enum class Routing { Uniform, OneExpert, FewExperts };

/// indices [t, k]: distinct experts per token (when k <= e) drawn uniformly,
/// all the same expert, or drawn from three experts only (the rest empty).
std::vector<int64_t> route(Routing how, int64_t t, int64_t k, int64_t e,
                           uint64_t seed) {
  std::mt19937 rng(seed);
  std::vector<int64_t> out;
  std::vector<int64_t> all(e);
  std::iota(all.begin(), all.end(), 0);
  const int64_t few[3] = {0, e / 2, e - 1};
  for (int64_t i = 0; i < t; ++i) {
    std::shuffle(all.begin(), all.end(), rng);
    for (int64_t j = 0; j < k; ++j) {
      if (how == Routing::OneExpert)
        out.push_back(e / 3);
      else if (how == Routing::FewExperts)
        out.push_back(few[rng() % 3]);
      else
        out.push_back(k <= e ? all[j] : int64_t(rng() % e));
    }
  }
  return out;
}

template <class T>
using DispatchFn = void (*)(ds::gptr<const T>, ds::gptr<const int>, ds::gptr<T>,
                            ds::gptr<int>, ds::gptr<int>, long long, int,
                            long long, int);

template <class T> struct DispatchEntry {
  DispatchFn<T> fn;
  const char *name;
  DType type;
  unsigned threads, pairs;
};

struct DispatchOut {
  std::vector<uint8_t> rows, perm, offsets;
};

/// Runs the kernel on x [t, h] and `indices` [t, k] over e experts.
template <class T>
DispatchOut runDispatch(const DispatchEntry<T> &k, const Tensor &x,
                        const std::vector<int64_t> &indices, int64_t topK,
                        int64_t e, uint64_t seed) {
  int64_t t = x.dim(0), h = x.dim(1), n = t * topK;
  std::vector<uint8_t> bx = x.encode(),
                       bi = Tensor::ints(DType::I32, {t, topK}, indices)
                                .encode();
  DispatchOut out{std::vector<uint8_t>(n * h * widthOf(k.type), 0xab),
                  std::vector<uint8_t>(n * 4, 0xab),
                  std::vector<uint8_t>((e + 1) * 4, 0xab)};
  SimBuffers b({&bx, &bi}, {&out.rows, &out.perm, &out.offsets}, seed);
  unsigned grid = std::max<unsigned>(1, (n + k.pairs - 1) / k.pairs);
  ds::Status s = ds::sim::launch(
      b.dev, k.fn, k.name, {grid}, {k.threads}, 0, as<const T>(bx),
      as<const int>(bi), as<T>(out.rows), as<int>(out.perm),
      as<int>(out.offsets), (long long)t, int(topK), (long long)h, int(e));
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

template <class T>
void checkDispatch(const DispatchEntry<T> &k, Routing how, int64_t t,
                   int64_t topK, int64_t e, int64_t h, uint64_t seed) {
  Tensor x = randomTensor(k.type, {t, h}, seed, 2.0f);
  std::vector<int64_t> indices = route(how, t, topK, e, seed);
  auto ref = ds::cpu::dispatch(x, Tensor::ints(DType::I32, {t, topK}, indices),
                               e, k.type);
  ASSERT_TRUE(ref.ok()) << ref.message();
  DispatchOut got = runDispatch(k, x, indices, topK, e, seed);
  std::string what = std::string(k.name) + " T = " + std::to_string(t) +
                     " K = " + std::to_string(topK) +
                     " E = " + std::to_string(e) + " H = " + std::to_string(h) +
                     " routing " + std::to_string(int(how));
  EXPECT_EQ(got.perm, ref->permutation.encode()) << what;
  EXPECT_EQ(got.offsets, ref->offsets.encode()) << what;
  EXPECT_EQ(got.rows, ref->rows.encode()) << what;
}

const DispatchEntry<__nv_bfloat16> kBf16Small{
    dispatch_bf16_64, "dispatch_bf16_64", DType::BF16, 64, 128};
const DispatchEntry<__nv_bfloat16> kBf16Large{
    dispatch_bf16_256, "dispatch_bf16_256", DType::BF16, 256, 256};
const DispatchEntry<float> kF32Small{dispatch_f32_32, "dispatch_f32_32",
                                     DType::F32, 32, 32};

TEST(DispatchKernel, MatchesTheReferenceOverShapes) {
  uint64_t seed = 100;
  for (int64_t t : {1, 7, 300})
    for (int64_t k : {1, 2, 8})
      for (int64_t e : {4, 64, 256})
        checkDispatch(kBf16Small, Routing::Uniform, t, k, e, 24, ++seed);
  // fp32 rows, one-warp CTAs of 32 pairs.
  for (int64_t t : {7, 300})
    for (int64_t k : {2, 8})
      for (int64_t e : {4, 64})
        checkDispatch(kF32Small, Routing::Uniform, t, k, e, 8, ++seed);
  // The realistic instantiation.
  checkDispatch(kBf16Large, Routing::Uniform, 300, 8, 256, 24, ++seed);
  checkDispatch(kBf16Large, Routing::Uniform, 1, 8, 256, 24, ++seed);
}

TEST(DispatchKernel, MatchesTheReferenceOnSkewedRoutings) {
  uint64_t seed = 200;
  for (Routing how : {Routing::OneExpert, Routing::FewExperts}) {
    checkDispatch(kBf16Small, how, 300, 8, 256, 24, ++seed);
    checkDispatch(kBf16Small, how, 7, 2, 4, 24, ++seed);
    checkDispatch(kBf16Small, how, 300, 1, 64, 24, ++seed);
    checkDispatch(kF32Small, how, 300, 2, 64, 8, ++seed);
    checkDispatch(kBf16Large, how, 300, 8, 256, 24, ++seed);
  }
}

TEST(DispatchKernel, CopiesOddRowsElementByElement) {
  // h · sizeof(T) not a multiple of 16: the element path.
  checkDispatch(kBf16Small, Routing::Uniform, 300, 8, 256, 13, 300);
  checkDispatch(kBf16Small, Routing::FewExperts, 7, 2, 4, 1, 301);
  checkDispatch(kF32Small, Routing::Uniform, 300, 2, 64, 7, 302);
}

TEST(DispatchKernel, SortsBadIndicesAfterTheLastExpert) {
  const int64_t t = 40, topK = 2, e = 8, h = 16;
  Tensor x = randomTensor(DType::BF16, {t, h}, 400, 2.0f);
  std::vector<int64_t> indices = route(Routing::Uniform, t, topK, e, 400);
  indices[3] = -1;
  indices[10] = e;
  indices[11] = 1 << 20;
  indices[79] = -7;
  // Expected: a stable counting sort with one more bucket for bad indices.
  std::vector<int64_t> perm, offsets;
  for (int64_t b = 0; b <= e; ++b) {
    offsets.push_back(int64_t(perm.size()));
    for (int64_t i = 0; i < t * topK; ++i) {
      bool bad = indices[i] < 0 || indices[i] >= e;
      if (bad ? b == e : indices[i] == b)
        perm.push_back(i);
    }
  }
  DispatchOut got = runDispatch(kBf16Small, x, indices, topK, e, 400);
  EXPECT_EQ(got.perm, Tensor::ints(DType::I32, {t * topK}, perm).encode());
  EXPECT_EQ(got.offsets, Tensor::ints(DType::I32, {e + 1}, offsets).encode());
  EXPECT_EQ(offsets[e], t * topK - 4);
  std::vector<uint8_t> bx = x.encode(), rows;
  for (int64_t r : perm)
    rows.insert(rows.end(), bx.begin() + r / topK * h * 2,
                bx.begin() + (r / topK + 1) * h * 2);
  EXPECT_EQ(got.rows, rows);
}

//===- combine ------------------------------------------------------------===//

template <class T, class W>
using CombineFn = void (*)(ds::gptr<const T>, ds::gptr<const int>,
                           ds::gptr<const W>, ds::gptr<T>, long long, int,
                           long long);

template <class T, class W> struct CombineEntry {
  CombineFn<T, W> fn;
  const char *name;
  DType type, weightType;
  unsigned threads, tokensPerCta;
};

template <class T, class W>
void checkCombine(const CombineEntry<T, W> &k, int64_t t, int64_t topK,
                  int64_t h, uint64_t seed) {
  int64_t n = t * topK;
  Tensor rows = randomTensor(k.type, {n, h}, seed, 2.0f);
  Tensor weights = randomTensor(k.weightType, {t, topK}, seed + 1, 2.0f);
  // The permutation of a real dispatch.
  Tensor x = randomTensor(k.type, {t, 1}, seed + 2, 2.0f);
  auto d = ds::cpu::dispatch(
      x,
      Tensor::ints(DType::I32, {t, topK},
                   route(Routing::Uniform, t, topK, 16, seed + 3)),
      16, k.type);
  ASSERT_TRUE(d.ok()) << d.message();
  auto ref = ds::cpu::combine(rows, d->permutation, weights, k.type);
  ASSERT_TRUE(ref.ok()) << ref.message();

  std::vector<uint8_t> br = rows.encode(), bp = d->permutation.encode(),
                       bw = weights.encode(), by(ref->encode().size(), 0xab);
  SimBuffers b({&br, &bp, &bw}, {&by}, seed);
  unsigned grid = unsigned((t + k.tokensPerCta - 1) / k.tokensPerCta);
  ds::Status s =
      ds::sim::launch(b.dev, k.fn, k.name, {grid}, {k.threads}, 0,
                      as<const T>(br), as<const int>(bp), as<const W>(bw),
                      as<T>(by), (long long)t, int(topK), (long long)h);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(by, ref->encode())
      << k.name << " T = " << t << " K = " << topK << " H = " << h;
}

TEST(CombineKernel, IsBitExactForBf16) {
  const CombineEntry<__nv_bfloat16, __nv_bfloat16> small{combine_bf16_bf16_64,
                                                         "combine_bf16_bf16_64",
                                                         DType::BF16,
                                                         DType::BF16,
                                                         64,
                                                         4};
  uint64_t seed = 500;
  for (int64_t t : {1, 7, 300})
    for (int64_t k : {1, 2, 6, 8})
      for (int64_t h : {24, 13})
        checkCombine(small, t, k, h, seed += 4);
  const CombineEntry<__nv_bfloat16, float> large{combine_bf16_f32_256,
                                                 "combine_bf16_f32_256",
                                                 DType::BF16,
                                                 DType::F32,
                                                 256,
                                                 16};
  checkCombine(large, 300, 8, 40, 600);
  checkCombine(large, 1, 8, 24, 604);
  checkCombine(large, 33, 6, 13, 608);
}

TEST(CombineKernel, IsBitExactForF32) {
  const CombineEntry<float, float> small{
      combine_f32_f32_32, "combine_f32_f32_32", DType::F32, DType::F32, 32, 3};
  uint64_t seed = 700;
  for (int64_t t : {1, 7, 100})
    for (int64_t k : {1, 6, 8})
      for (int64_t h : {8, 7})
        checkCombine(small, t, k, h, seed += 4);
}

//===- NVRTC --------------------------------------------------------------===//

TEST(DispatchKernel, CompilesWithNvrtcWithoutLocalMemory) {
  const char *entries[] = {"dispatch_bf16_256",    "dispatch_bf16_64",
                           "dispatch_f32_32",      "combine_bf16_f32_256",
                           "combine_bf16_bf16_64", "combine_f32_f32_32"};
  expectEntriesCompile(
      readFile(DS_DISPATCH_KERNELS), entries, kMaxStaticSmem,
      [&](size_t i, const ds::codegen::CompiledKernel &k) {
        // 16-byte row moves, warp-aggregated ranking, unfused fp32 math.
        EXPECT_NE(k.ptx.find(".v4."), std::string::npos) << entries[i];
        if (i < 3)
          EXPECT_NE(k.ptx.find("match.any.sync"), std::string::npos)
              << entries[i];
        else
          EXPECT_EQ(k.ptx.find("fma.rn.f32"), std::string::npos) << entries[i];
      });
}

} // namespace
