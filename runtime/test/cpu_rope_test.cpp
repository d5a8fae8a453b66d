//===- cpu_rope_test.cpp - moe.rope and YaRN ------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Expected values follow models.md §2.2 by hand (see each comment).
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/ops.h"

#include "cpu_test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace ds;
using namespace ds::cpu;
using ds::cpu::test::f32;

namespace {

Yarn deepseekV3Yarn() {
  Yarn y;
  y.factor = 40.0;
  y.originalMaxPositionEmbeddings = 4096;
  y.betaFast = 32.0;
  y.betaSlow = 1.0;
  y.mscale = 1.0;
  y.mscaleAllDim = 1.0;
  return y;
}

// d = 4, θ = 1e4: inv_freq = [1, 1e4^(-1/2) = 0.01]; position 1 gives angles
// 1 and 0.01. x = [1, 2, 3, 4].
TEST(CpuRope, HalfSplitFourDims) {
  Tensor x = f32({2, 1, 4}, {1, 2, 3, 4, 1, 2, 3, 4});
  Tensor pos = Tensor::ints(DType::I32, {2}, {0, 1});
  Expected<Tensor> y =
      rope(x, pos, 1e4, RopeStyle::HalfSplit, std::nullopt, DType::F32);
  ASSERT_TRUE(y) << y.message();
  // Position 0: identity.
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(y->f()[i], x.f()[i]);
  // Pairs (0, 2) at angle 1 and (1, 3) at angle 0.01.
  const double c1 = std::cos(1.0), s1 = std::sin(1.0);
  const double c2 = std::cos(0.01), s2 = std::sin(0.01);
  EXPECT_NEAR(y->f()[4], 1 * c1 - 3 * s1, 1e-6);
  EXPECT_NEAR(y->f()[6], 3 * c1 + 1 * s1, 1e-6);
  EXPECT_NEAR(y->f()[5], 2 * c2 - 4 * s2, 1e-6);
  EXPECT_NEAR(y->f()[7], 4 * c2 + 2 * s2, 1e-6);
}

TEST(CpuRope, InterleavedFourDims) {
  Tensor x = f32({1, 2, 4}, {1, 2, 3, 4, 1, 2, 3, 4}); // two heads
  Tensor pos = Tensor::ints(DType::I64, {1}, {1});
  Expected<Tensor> y =
      rope(x, pos, 1e4, RopeStyle::Interleaved, std::nullopt, DType::F32);
  ASSERT_TRUE(y) << y.message();
  // Pairs (0, 1) at angle 1 and (2, 3) at angle 0.01; both heads alike.
  const double c1 = std::cos(1.0), s1 = std::sin(1.0);
  const double c2 = std::cos(0.01), s2 = std::sin(0.01);
  for (int h = 0; h < 2; ++h) {
    EXPECT_NEAR(y->f()[4 * h + 0], 1 * c1 - 2 * s1, 1e-6);
    EXPECT_NEAR(y->f()[4 * h + 1], 1 * s1 + 2 * c1, 1e-6);
    EXPECT_NEAR(y->f()[4 * h + 2], 3 * c2 - 4 * s2, 1e-6);
    EXPECT_NEAR(y->f()[4 * h + 3], 3 * s2 + 4 * c2, 1e-6);
  }
}

TEST(CpuRope, Bf16RoundsEachProduct) {
  // d = 2, angle = position · 1. At position 2: cos 2 = -0.41614684 -> bf16
  // -0.416015625; sin 2 = 0.90929743 -> bf16 0.91015625. x = [1.5, 1.625],
  // HF order (x·cos) + (rotate_half(x)·sin), each op rounded to bf16:
  //  y0: 1.5·c = -0.6240234375 -> -0.625; -1.625·s = -1.47900390625 ->
  //      -1.4765625; sum -2.1015625 = -134.5 steps of 2^-6, a tie -> -134
  //      -> -2.09375 (one rounding at the end would give -2.109375);
  //  y1: 1.625·c = -0.676025390625 -> -0.67578125; 1.5·s = 1.365234375 ->
  //      1.3671875; sum 0.69140625 (exact; unrounded products: 0.6875).
  Tensor x = Tensor::floats(DType::BF16, {1, 1, 2}, {1.5f, 1.625f});
  Tensor pos = Tensor::ints(DType::I32, {1}, {2});
  Expected<Tensor> y =
      rope(x, pos, 1e4, RopeStyle::HalfSplit, std::nullopt, DType::BF16);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->f()[0], -2.09375f);
  EXPECT_EQ(y->f()[1], 0.69140625f);
}

TEST(CpuRope, YarnDeepSeekV3Range) {
  // corr(32) = 64·ln(4096/(64π))/(2·ln 1e4) = 10.48 -> floor 10;
  // corr(1)  = 64·ln(4096/(2π))/(2·ln 1e4) = 22.51 -> ceil 23.
  YarnRange r = yarnCorrectionRange(deepseekV3Yarn(), 64, 1e4);
  EXPECT_EQ(r.low, 10.0);
  EXPECT_EQ(r.high, 23.0);
  // Clamps: a huge beta_fast gives a negative corr -> 0; a tiny beta_slow
  // gives corr > d - 1 -> d - 1.
  Yarn wide = deepseekV3Yarn();
  wide.betaFast = 1e6;
  wide.betaSlow = 1e-6;
  YarnRange c = yarnCorrectionRange(wide, 64, 1e4);
  EXPECT_EQ(c.low, 0.0);
  EXPECT_EQ(c.high, 63.0);
  // `truncate: false` keeps the fractional range.
  Yarn exact = deepseekV3Yarn();
  exact.truncate = false;
  YarnRange e = yarnCorrectionRange(exact, 64, 1e4);
  const double pi = std::acos(-1.0);
  EXPECT_NEAR(e.low, 64 * std::log(4096 / (64 * pi)) / (2 * std::log(1e4)),
              1e-9);
  EXPECT_NEAR(e.high, 64 * std::log(4096 / (2 * pi)) / (2 * std::log(1e4)),
              1e-9);
  EXPECT_GT(e.low, 10.4);
  EXPECT_LT(e.high, 22.6);
}

TEST(CpuRope, YarnDeepSeekV3InvFreq) {
  std::vector<float> inv = ropeInvFreq(64, 1e4, deepseekV3Yarn());
  ASSERT_EQ(inv.size(), 32u);
  auto base = [](int i) { return std::pow(1e4, -2.0 * i / 64); };
  // i <= low = 10: ramp 0, pure extrapolation θ^(-2i/d).
  EXPECT_EQ(inv[0], 1.0f);
  EXPECT_NEAR(inv[10] / base(10), 1.0, 1e-6);
  // i >= high = 23: ramp 1, interpolation θ^(-2i/d) / 40.
  EXPECT_NEAR(inv[23] / (base(23) / 40), 1.0, 1e-6);
  EXPECT_NEAR(inv[31] / (base(31) / 40), 1.0, 1e-6);
  // i = 16: ramp = (16 - 10)/13 -> blend 6/13 of the interpolated value.
  double ramp = 6.0 / 13.0;
  EXPECT_NEAR(inv[16] / (base(16) * (ramp / 40 + (1 - ramp))), 1.0, 1e-6);
  // Without YaRN: plain θ^(-2i/d).
  std::vector<float> plain = ropeInvFreq(64, 1e4, std::nullopt);
  EXPECT_NEAR(plain[16] / base(16), 1.0, 1e-6);
}

TEST(CpuRope, YarnAttentionFactor) {
  // mscale == mscale_all_dim -> 1.0 (DeepSeek-V3, V2-Lite).
  EXPECT_EQ(ropeAttentionFactor(deepseekV3Yarn()), 1.0);
  EXPECT_EQ(ropeAttentionFactor(std::nullopt), 1.0);
  // mscale 0.707 vs mscale_all_dim 1.0: (0.1·0.707·ln 40 + 1)/(0.1·ln 40 + 1)
  // = 1.2608039 / 1.3688879 = 0.9210426.
  Yarn mixed = deepseekV3Yarn();
  mixed.mscale = 0.707;
  EXPECT_NEAR(ropeAttentionFactor(mixed), 1.2608039 / 1.3688879, 1e-6);
  // Unset mscales: mscale(40, 1) = 1.3688879.
  Yarn unset = deepseekV3Yarn();
  unset.mscale = 0;
  unset.mscaleAllDim = 0;
  EXPECT_NEAR(ropeAttentionFactor(unset), 1.3688879, 1e-6);
  // Only one of them set also falls back to mscale(factor, 1).
  unset.mscale = 0.707;
  EXPECT_NEAR(ropeAttentionFactor(unset), 1.3688879, 1e-6);
  // factor <= 1 -> mscale 1.
  unset.factor = 1.0;
  EXPECT_EQ(ropeAttentionFactor(unset), 1.0);
  // Explicit override.
  Yarn explicitFactor = deepseekV3Yarn();
  explicitFactor.attentionFactor = 0.5;
  EXPECT_EQ(ropeAttentionFactor(explicitFactor), 0.5);
  EXPECT_NEAR(yarnMscale(40.0, 1.0), 1.3688879, 1e-6);
}

TEST(CpuRope, YarnAttentionFactorScalesCosAndSin) {
  // At position 0 cos = 1 and sin = 0, so y = attention_factor · x.
  Yarn y = deepseekV3Yarn();
  y.attentionFactor = 0.5;
  Tensor x = f32({1, 1, 4}, {2, -4, 6, 8});
  Tensor pos = Tensor::ints(DType::I32, {1}, {0});
  Expected<Tensor> out =
      rope(x, pos, 1e4, RopeStyle::Interleaved, y, DType::F32);
  ASSERT_TRUE(out) << out.message();
  EXPECT_EQ(out->f(), (std::vector<float>{1, -2, 3, 4}));
}

TEST(CpuRope, Errors) {
  Tensor pos = Tensor::ints(DType::I32, {1}, {0});
  std::string oddDim = rope(f32({1, 1, 3}, {1, 2, 3}), pos, 1e4,
                            RopeStyle::HalfSplit, std::nullopt, DType::F32)
                           .message();
  EXPECT_NE(oddDim.find("moe.rope: operand 'input' must have an even last dim"),
            std::string::npos)
      << oddDim;
  std::string badPos = rope(f32({2, 1, 2}, {1, 2, 3, 4}), pos, 1e4,
                            RopeStyle::HalfSplit, std::nullopt, DType::F32)
                           .message();
  EXPECT_NE(badPos.find("operand 'positions' must have shape [2]"),
            std::string::npos)
      << badPos;
  std::string rank = rope(f32({2}, {1, 2}), pos, 1e4, RopeStyle::HalfSplit,
                          std::nullopt, DType::F32)
                         .message();
  EXPECT_NE(rank.find("operand 'input' must have rank 3"), std::string::npos);
}

} // namespace
