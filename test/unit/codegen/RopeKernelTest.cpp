//===- RopeKernelTest.cpp - kernel.rope on the sim and through NVRTC ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/rope.cuh on the sim against the CPU reference (ds::cpu::rope):
// f32, bf16 and f16; HalfSplit and Interleaved; with and without YaRN (the
// table from ds::cpu::ropeInvFreq, the factor from ropeAttentionFactor);
// T = 1, 7, 33 at positions up to 70000; the 16-byte vector path and the
// scalar one; in place (y = x) and out of place. cos/sin are ds::sinCos
// (the same bits on the device and the sim, within an ulp of the
// reference's std::cos / std::sin): bf16/f16 results within 1 ulp, f32
// within 4 ulps of the largest magnitude of the pair and the result (where
// a·c and b·s cancel, an ulp of cos is many ulps of the result). And through
// NVRTC for sm_90a without local memory.
//
//===----------------------------------------------------------------------===//

#include "rope_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <random>
#include <vector>

namespace {

using ds::DType;
using namespace ds::test;

ds::Yarn deepseekYarn() {
  ds::Yarn y;
  y.factor = 40.0;
  y.originalMaxPositionEmbeddings = 4096;
  y.betaFast = 32.0;
  y.betaSlow = 1.0;
  y.mscale = 1.0;
  y.mscaleAllDim = 1.0;
  return y;
}

template <class T, class P>
using RopeFn = void (*)(ds::gptr<const T>, ds::gptr<const P>, ds::gptr<T>,
                        const float *, float, int, int);

struct Shape {
  int tokens, heads, d;
};

/// Runs `fn` on random x and positions and returns the worst ulps against
/// ds::cpu::rope.
template <class T, class P>
double run(RopeFn<T, P> fn, const char *entry, DType type, bool interleaved,
           Shape s, const std::optional<ds::Yarn> &yarn, bool inPlace,
           uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  std::uniform_int_distribution<int64_t> position(0, 70000);
  const double theta = yarn ? 10000.0 : 50000.0;
  std::vector<float> x(size_t(s.tokens) * s.heads * s.d);
  for (float &v : x)
    v = normal(rng);
  std::vector<int64_t> pos(s.tokens);
  for (int t = 0; t < s.tokens; ++t)
    pos[t] = t == 0 ? 4097 : position(rng);
  ds::cpu::Tensor tx =
      ds::cpu::Tensor::floats(type, {s.tokens, s.heads, s.d}, x);
  ds::cpu::Tensor tp = ds::cpu::Tensor::ints(
      sizeof(P) == 4 ? DType::I32 : DType::I64, {s.tokens}, pos);
  std::vector<float> inv = ds::cpu::ropeInvFreq(s.d, theta, yarn);
  float factor = static_cast<float>(ds::cpu::ropeAttentionFactor(yarn));

  std::vector<uint8_t> bx = encode(type, tx.f()), by(bx.size());
  std::vector<P> bp(pos.begin(), pos.end());
  ds::sim::Device dev;
  dev.options().seed = seed;
  EXPECT_TRUE(dev.registerBuffer(bx.data(), bx.size(), "x", !inPlace).ok());
  EXPECT_TRUE(
      dev.registerBuffer(bp.data(), bp.size() * sizeof(P), "positions", true)
          .ok());
  if (!inPlace) {
    EXPECT_TRUE(dev.registerBuffer(by.data(), by.size(), "y").ok());
  }
  T *out = reinterpret_cast<T *>(inPlace ? bx.data() : by.data());
  ds::Status st = ds::sim::launch(dev, fn, entry, {unsigned(s.tokens)}, {128},
                                  0, reinterpret_cast<const T *>(bx.data()),
                                  static_cast<const P *>(bp.data()), out,
                                  inv.data(), factor, s.heads, s.d);
  EXPECT_TRUE(st.ok()) << st.message();

  auto ref = ds::cpu::rope(tx, tp, theta,
                           interleaved ? ds::RopeStyle::Interleaved
                                       : ds::RopeStyle::HalfSplit,
                           yarn, type);
  EXPECT_TRUE(ref.ok()) << ref.message();
  if (!ref.ok())
    return 1e30;
  std::vector<float> y = decode(type, inPlace ? bx : by);
  double worst = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    // 16-bit results: ulps of the result (the rounding of c and s absorbs
    // cos/sin's last bit). f32: ulps of the pair's largest magnitude, since
    // where a·c and b·s cancel one ulp of cos/sin is many of the result.
    float scale = ref->f()[i];
    if (type == DType::F32) {
      int64_t p = static_cast<int64_t>(i) % s.d, head = i - p;
      int64_t q =
          interleaved ? (p ^ 1) : (p < s.d / 2 ? p + s.d / 2 : p - s.d / 2);
      scale = std::max({std::fabs(scale), std::fabs(tx.f()[i]),
                        std::fabs(tx.f()[head + q])});
    }
    worst =
        std::max(worst, std::fabs(y[i] - ref->f()[i]) / spacingAt(type, scale));
  }
  return worst;
}

/// Every shape and option of one entry. d = 64 and 128 take the vector path,
/// d = 24 the scalar one for HalfSplit (d/2 = 12) and, for bf16/f16, the
/// vector one for Interleaved, d = 10 the scalar one everywhere; d = 640
/// builds the table in two chunks.
template <class T, class P>
void runAll(RopeFn<T, P> fn, const char *entry, DType type, bool interleaved,
            double bound) {
  const Shape shapes[] = {
      {1, 4, 64}, {7, 3, 128}, {33, 2, 24}, {7, 5, 10}, {1, 2, 640}};
  double worst = 0;
  uint64_t seed = 1;
  for (Shape s : shapes)
    for (bool yarn : {false, true})
      for (bool inPlace : {false, true}) {
        std::optional<ds::Yarn> y;
        if (yarn)
          y = deepseekYarn();
        double w = run(fn, entry, type, interleaved, s, y, inPlace, ++seed);
        EXPECT_LE(w, bound)
            << entry << " T " << s.tokens << " heads " << s.heads << " d "
            << s.d << " yarn " << yarn << " in place " << inPlace;
        worst = std::max(worst, w);
      }
  std::cout << entry << ": worst " << worst << " ulps\n";
}

TEST(RopeKernel, Bf16MatchesTheReference) {
  runAll(rope_half_bf16_i64, "rope_half_bf16_i64", DType::BF16, false, 1.0);
  runAll(rope_inter_bf16_i64, "rope_inter_bf16_i64", DType::BF16, true, 1.0);
}

TEST(RopeKernel, F16MatchesTheReference) {
  runAll(rope_half_f16_i32, "rope_half_f16_i32", DType::F16, false, 1.0);
  runAll(rope_inter_f16_i32, "rope_inter_f16_i32", DType::F16, true, 1.0);
}

TEST(RopeKernel, F32MatchesTheReference) {
  runAll(rope_half_f32_i32, "rope_half_f32_i32", DType::F32, false, 4.0);
  runAll(rope_inter_f32_i64, "rope_inter_f32_i64", DType::F32, true, 4.0);
}

/// The generated-code form: the table as literals in the source.
TEST(RopeKernel, SourceTableMatchesTheReference) {
  std::vector<float> inv = ds::cpu::ropeInvFreq(64, 10000.0, std::nullopt);
  ASSERT_EQ(inv.size(), 32u);
  for (size_t i = 0; i < inv.size(); ++i)
    EXPECT_EQ(inv[i], ds_rope_inv_freq_test[i]) << i;
  const int tokens = 3, heads = 16, d = 64;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(size_t(tokens) * heads * d);
  for (float &v : x)
    v = normal(rng);
  std::vector<int64_t> pos = {0, 5, 9000};
  ds::cpu::Tensor tx =
      ds::cpu::Tensor::floats(DType::BF16, {tokens, heads, d}, x);
  ds::cpu::Tensor tp = ds::cpu::Tensor::ints(DType::I64, {tokens}, pos);
  std::vector<uint8_t> bx = encode(DType::BF16, tx.f()), by(bx.size());
  std::vector<long long> bp(pos.begin(), pos.end());
  ds::sim::Device dev;
  ASSERT_TRUE(dev.registerBuffer(bx.data(), bx.size(), "x", true).ok());
  ASSERT_TRUE(
      dev.registerBuffer(bp.data(), bp.size() * 8, "positions", true).ok());
  ASSERT_TRUE(dev.registerBuffer(by.data(), by.size(), "y").ok());
  ds::Status st = ds::sim::launch(
      dev, rope_table_bf16, "rope_table_bf16", {unsigned(tokens)}, {128}, 0,
      reinterpret_cast<const __nv_bfloat16 *>(bx.data()),
      static_cast<const long long *>(bp.data()),
      reinterpret_cast<__nv_bfloat16 *>(by.data()));
  ASSERT_TRUE(st.ok()) << st.message();
  auto ref = ds::cpu::rope(tx, tp, 10000.0, ds::RopeStyle::HalfSplit,
                           std::nullopt, DType::BF16);
  ASSERT_TRUE(ref.ok()) << ref.message();
  EXPECT_EQ(decode(DType::BF16, by), ref->f());
}

TEST(RopeKernel, CompilesWithNvrtcWithoutLocalMemory) {
  expectEntriesCompile(readFile(DS_ROPE_KERNELS),
                       {"rope_half_bf16_i64", "rope_inter_bf16_i64",
                        "rope_half_f16_i32", "rope_inter_f16_i32",
                        "rope_half_f32_i32", "rope_inter_f32_i64",
                        "rope_table_bf16"},
                       kMaxStaticSmem);
}

} // namespace
