//===- cpu_moe_test.cpp - router, experts and their sparse form ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Router tests use H = E and an identity gate, so the router logits are the
// input row itself and the scores can be written down by hand.
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

Tensor identity(int64_t e) {
  std::vector<float> v(e * e, 0.0f);
  for (int64_t i = 0; i < e; ++i)
    v[i * e + i] = 1;
  return f32({e, e}, v);
}

RouterResult route(std::vector<float> logits, const RouterConfig &config,
                   const Tensor *bias = nullptr, DType out = DType::F32) {
  int64_t e = static_cast<int64_t>(logits.size());
  Expected<RouterResult> r =
      router(f32({1, e}, logits), identity(e), bias, config, out);
  EXPECT_TRUE(r) << r.message();
  return r ? *r : RouterResult{};
}

//===----------------------------------------------------------------------===//
// router
//===----------------------------------------------------------------------===//

TEST(CpuRouter, GreedySoftmax) {
  // logits [0, ln 2, ln 3, 0] -> softmax [1, 2, 3, 1] / 7; top-2 = experts
  // 2 (3/7) and 1 (2/7), in descending order.
  RouterConfig c;
  c.topK = 2;
  RouterResult r = route({0, std::log(2.0f), std::log(3.0f), 0}, c);
  EXPECT_EQ(r.indices.dtype(), DType::I32);
  EXPECT_EQ(r.indices.i(), (std::vector<int64_t>{2, 1}));
  EXPECT_NEAR(r.weights.f()[0], 3.0 / 7, 1e-6);
  EXPECT_NEAR(r.weights.f()[1], 2.0 / 7, 1e-6);
  // Renormalized: [0.6, 0.4]; then scaled by 2: [1.2, 0.8].
  c.normTopkProb = true;
  c.routedScalingFactor = 2.0;
  RouterResult n = route({0, std::log(2.0f), std::log(3.0f), 0}, c);
  EXPECT_NEAR(n.weights.f()[0], 1.2, 1e-6);
  EXPECT_NEAR(n.weights.f()[1], 0.8, 1e-6);
  // bf16 weights: 3/7 = 0.428571 -> bf16 step 2^-9: 219.43 -> 0.427734375.
  c.normTopkProb = false;
  c.routedScalingFactor = 1.0;
  RouterResult b =
      route({0, std::log(2.0f), std::log(3.0f), 0}, c, nullptr, DType::BF16);
  EXPECT_EQ(b.weights.dtype(), DType::BF16);
  EXPECT_EQ(b.weights.f()[0], 0.427734375f);
}

TEST(CpuRouter, TiesPickTheLowerExpertFirst) {
  // Scores of experts 0, 1, 2 are equal: the lower indices win, in order.
  RouterConfig c;
  c.topK = 2;
  EXPECT_EQ(route({1, 1, 1, 0}, c).indices.i(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(route({0, 2, 2, 2}, c).indices.i(), (std::vector<int64_t>{1, 2}));
  // Sigmoid scoring, scores equal and above expert 0.
  c.scoring = Scoring::Sigmoid;
  EXPECT_EQ(route({0, 3, 3, 3}, c).indices.i(), (std::vector<int64_t>{1, 2}));
}

TEST(CpuRouter, GroupLimitedDropsTheRunnerUpsGroup) {
  // E = 4 in 2 groups {0, 1}, {2, 3}; logits [5, 4, 4.5, 0]. Group maxima
  // 5 and 4.5 -> only group 0 kept (topk_group 1); top-2 = experts 0, 1
  // although expert 2 (4.5) beats expert 1 (4) globally (greedy: 0, 2).
  RouterConfig c;
  c.topK = 2;
  c.selection = Selection::GroupLimited;
  c.nGroup = 2;
  c.topkGroup = 1;
  RouterResult r = route({5, 4, 4.5f, 0}, c);
  EXPECT_EQ(r.indices.i(), (std::vector<int64_t>{0, 1}));
  // Weights are the softmax over all 4 experts: e^5 / Σ, e^4 / Σ.
  double sum = std::exp(5.0) + std::exp(4.0) + std::exp(4.5) + 1.0;
  EXPECT_NEAR(r.weights.f()[0], std::exp(5.0) / sum, 1e-6);
  EXPECT_NEAR(r.weights.f()[1], std::exp(4.0) / sum, 1e-6);
  RouterConfig greedy;
  greedy.topK = 2;
  EXPECT_EQ(route({5, 4, 4.5f, 0}, greedy).indices.i(),
            (std::vector<int64_t>{0, 2}));
}

TEST(CpuRouter, NoauxTcTopTwoSumDropsTheBestExpertsGroup) {
  // Sigmoid scores, zero bias. Group 0: logits 3, -3 -> σ = 0.9526, 0.0474,
  // top-2 sum 1.0; group 1: logits 0.5, 0.5 -> 0.6225 each, sum 1.245.
  // topk_group 1 keeps group 1, so the best expert (0) is dropped.
  RouterConfig c;
  c.scoring = Scoring::Sigmoid;
  c.selection = Selection::NoauxTc;
  c.topK = 2;
  c.nGroup = 2;
  c.topkGroup = 1;
  Tensor bias = f32({4}, {0, 0, 0, 0});
  RouterResult r = route({3, -3, 0.5f, 0.5f}, c, &bias);
  EXPECT_EQ(r.indices.i(), (std::vector<int64_t>{2, 3}));
  double s = 1.0 / (1.0 + std::exp(-0.5));
  EXPECT_NEAR(r.weights.f()[0], s, 1e-6);
  // Normalized and scaled by 2.5: 0.5 · 2.5 each.
  c.normTopkProb = true;
  c.routedScalingFactor = 2.5;
  RouterResult n = route({3, -3, 0.5f, 0.5f}, c, &bias);
  EXPECT_NEAR(n.weights.f()[0], 1.25, 1e-6);
  EXPECT_NEAR(n.weights.f()[1], 1.25, 1e-6);
}

TEST(CpuRouter, NoauxTcFillNegInfVersusZero) {
  // Zero logits -> every score σ(0) = 0.5. Bias [-0.6, -0.7, -0.8, -0.9]
  // -> choice [-0.1, -0.2, -0.3, -0.4]; group sums -0.3 vs -0.7 -> keep
  // group 0. neg_inf fill: experts 0, 1. zero fill: the dropped experts
  // score 0.0 > -0.1, so experts 2, 3 win (tie at 0.0 -> lower first).
  // Weights are the unbiased 0.5 either way.
  RouterConfig c;
  c.scoring = Scoring::Sigmoid;
  c.selection = Selection::NoauxTc;
  c.topK = 2;
  c.nGroup = 2;
  c.topkGroup = 1;
  Tensor bias = f32({4}, {-0.6f, -0.7f, -0.8f, -0.9f});
  RouterResult inf = route({0, 0, 0, 0}, c, &bias);
  EXPECT_EQ(inf.indices.i(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(inf.weights.f(), (std::vector<float>{0.5f, 0.5f}));
  c.groupFill = GroupFill::Zero;
  RouterResult zero = route({0, 0, 0, 0}, c, &bias);
  EXPECT_EQ(zero.indices.i(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(zero.weights.f(), (std::vector<float>{0.5f, 0.5f}));
}

TEST(CpuRouter, Errors) {
  RouterConfig c;
  c.scoring = Scoring::Sigmoid;
  c.selection = Selection::NoauxTc;
  c.topK = 2;
  c.nGroup = 2;
  c.topkGroup = 1;
  Tensor x = f32({1, 4}, {0, 0, 0, 0});
  EXPECT_ERROR(router(x, identity(4), nullptr, c, DType::F32),
               "moe.router: operand 'correction_bias' is required by noaux_tc");
  c.nGroup = 3;
  Tensor bias = f32({4}, {0, 0, 0, 0});
  EXPECT_ERROR(router(x, identity(4), &bias, c, DType::F32),
               "n_group 3 must be >= 1 and divide the 4 experts");
  RouterConfig big;
  big.topK = 5;
  EXPECT_ERROR(router(x, identity(4), nullptr, big, DType::F32),
               "top_k must be in [1, 4], got 5");
  EXPECT_ERROR(router(x, f32({4, 3}, std::vector<float>(12, 0)), nullptr,
                      RouterConfig{}, DType::F32),
               "operand 'gate' must have shape [E, 4]");
}

//===----------------------------------------------------------------------===//
// dispatch, combine
//===----------------------------------------------------------------------===//

TEST(CpuDispatch, StableSortByExpert) {
  // indices [[1, 0], [1, 1]] -> slots 0:e1, 1:e0, 2:e1, 3:e1. Sorted stably:
  // e0: slot 1; e1: slots 0, 2, 3; e2: none.
  Tensor x = f32({2, 2}, {1, 2, 3, 4});
  Tensor idx = Tensor::ints(DType::I32, {2, 2}, {1, 0, 1, 1});
  Expected<DispatchResult> d = dispatch(x, idx, 3, DType::F32);
  ASSERT_TRUE(d) << d.message();
  EXPECT_EQ(d->permutation.i(), (std::vector<int64_t>{1, 0, 2, 3}));
  EXPECT_EQ(d->offsets.i(), (std::vector<int64_t>{0, 1, 4, 4}));
  EXPECT_EQ(d->rows.f(), (std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4}));
  EXPECT_EQ(d->permutation.dtype(), DType::I32);
  EXPECT_ERROR(dispatch(x, Tensor::ints(DType::I32, {2, 2}, {1, 0, 3, 1}), 3,
                        DType::F32),
               "moe.dispatch: operand 'indices' element [1, 0] = 3 is outside "
               "[0, 3)");
}

TEST(CpuCombine, WeightedSumPerToken) {
  // Rows r carry slot perm[r]; token 0 = 0.5·row(slot 0) + 2·row(slot 1).
  Tensor rows = f32({4, 1}, {10, 20, 30, 40}); // slots 1, 0, 2, 3
  Tensor perm = Tensor::ints(DType::I32, {4}, {1, 0, 2, 3});
  Tensor w = f32({2, 2}, {0.5f, 2, 1, -1});
  Expected<Tensor> y = combine(rows, perm, w, DType::F32);
  ASSERT_TRUE(y) << y.message();
  // Token 0: 0.5·20 + 2·10 = 30; token 1: 30 - 40 = -10.
  EXPECT_EQ(y->f(), (std::vector<float>{30, -10}));
  EXPECT_ERROR(
      combine(rows, Tensor::ints(DType::I32, {4}, {1, 1, 2, 3}), w, DType::F32),
      "moe.combine: operand 'perm' element 1 = 1 repeats element 0");
  EXPECT_ERROR(
      combine(rows, Tensor::ints(DType::I32, {4}, {1, 0, 2, 4}), w, DType::F32),
      "operand 'perm' element 3 = 4 is outside [0, 4)");
}

TEST(CpuGroupedMatmul, PerExpertRowsAndErrors) {
  // Expert 0 doubles, expert 1 negates; offsets [0, 1, 3].
  Tensor rows = f32({3, 1}, {1, 2, 3});
  Tensor w = f32({2, 1, 1}, {2, -1});
  Tensor offs = Tensor::ints(DType::I32, {3}, {0, 1, 3});
  Expected<Tensor> y =
      groupedMatmul(rows, w, offs, nullptr, std::nullopt, DType::F32);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->f(), (std::vector<float>{2, -2, -3}));
  EXPECT_ERROR(groupedMatmul(rows, w, Tensor::ints(DType::I32, {3}, {0, 2, 1}),
                             nullptr, std::nullopt, DType::F32),
               "moe.grouped_matmul: operand 'offsets' must start at 0 and end "
               "at 3");
  EXPECT_ERROR(groupedMatmul(rows, w, Tensor::ints(DType::I32, {3}, {0, 4, 3}),
                             nullptr, std::nullopt, DType::F32),
               "operand 'offsets' must be non-decreasing, got element 2 = 3");
  // An expert without rows is fine.
  EXPECT_TRUE(groupedMatmul(rows, w, Tensor::ints(DType::I32, {3}, {0, 3, 3}),
                            nullptr, std::nullopt, DType::F32));
  EXPECT_ERROR(groupedMatmul(rows, w, Tensor::ints(DType::I32, {2}, {0, 3}),
                             nullptr, std::nullopt, DType::F32),
               "operand 'offsets' must have shape [3] for 2 experts");
}

//===----------------------------------------------------------------------===//
// experts
//===----------------------------------------------------------------------===//

TEST(CpuExperts, HandComputedSingleExpert) {
  // x = 1, gate 1, up 2, down 3, weight 0.5: 0.5 · 3 · silu(1) · 2 =
  // 3 / (1 + e^-1) = 2.1931758.
  Expected<Tensor> y = experts(
      f32({1, 1}, {1}), f32({1, 1}, {0.5f}),
      Tensor::ints(DType::I32, {1, 1}, {0}), f32({1, 1, 1}, {1}),
      f32({1, 1, 1}, {2}), f32({1, 1, 1}, {3}), {}, std::nullopt, DType::F32);
  ASSERT_TRUE(y) << y.message();
  EXPECT_NEAR(y->f()[0], 3.0 / (1.0 + std::exp(-1.0)), 1e-6);
}

struct ExpertCase {
  Tensor x, weights, indices, gate, up, down;
  std::vector<Tensor> scales;
  std::optional<Quant> quant;
};

ExpertCase makeCase(bool quantized) {
  const int64_t t = 5, h = 6, inter = 4, e = 3, k = 2;
  uint32_t state = 99;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  };
  auto values = [&](int64_t n, float scale) {
    std::vector<float> v(n);
    for (float &x : v)
      x = next() * scale;
    return v;
  };
  ExpertCase c;
  c.x = Tensor::floats(DType::BF16, {t, h}, values(t * h, 4));
  c.weights = Tensor::floats(DType::F32, {t, k}, values(t * k, 2));
  // Token 3 routes twice to expert 2; expert 1 serves only token 0.
  c.indices = Tensor::ints(DType::I32, {t, k}, {1, 0, 2, 0, 0, 2, 2, 2, 0, 2});
  DType wType = quantized ? DType::F8E4M3 : DType::BF16;
  c.gate = Tensor::floats(wType, {e, inter, h}, values(e * inter * h, 8));
  c.up = Tensor::floats(wType, {e, inter, h}, values(e * inter * h, 8));
  c.down = Tensor::floats(wType, {e, h, inter}, values(e * h * inter, 8));
  if (quantized) {
    // Block [3, 4]: gate/up scales [3, 2, 2], down [3, 2, 1] (ragged).
    c.quant = Quant{QuantScheme::FP8E4M3, 3, 4};
    c.scales.push_back(f32({e, 2, 2}, values(e * 4, 0.5f)));
    c.scales.push_back(f32({e, 2, 2}, values(e * 4, 0.5f)));
    c.scales.push_back(f32({e, 2, 1}, values(e * 2, 0.5f)));
  }
  return c;
}

void expectExpertsEqualsDispatchPipeline(bool quantized) {
  ExpertCase c = makeCase(quantized);
  const Tensor *gs = quantized ? &c.scales[0] : nullptr;
  const Tensor *us = quantized ? &c.scales[1] : nullptr;
  const Tensor *ds = quantized ? &c.scales[2] : nullptr;
  std::vector<const Tensor *> scales;
  if (quantized)
    scales = {gs, us, ds};
  const DType out = DType::BF16;
  Expected<Tensor> dense = experts(c.x, c.weights, c.indices, c.gate, c.up,
                                   c.down, scales, c.quant, out);
  ASSERT_TRUE(dense) << dense.message();

  Expected<DispatchResult> d = dispatch(c.x, c.indices, 3, out);
  ASSERT_TRUE(d) << d.message();
  Expected<Tensor> g =
      groupedMatmul(d->rows, c.gate, d->offsets, gs, c.quant, out);
  Expected<Tensor> u =
      groupedMatmul(d->rows, c.up, d->offsets, us, c.quant, out);
  ASSERT_TRUE(g && u);
  Expected<Tensor> a = swiglu(*g, *u, out);
  ASSERT_TRUE(a);
  Expected<Tensor> y = groupedMatmul(*a, c.down, d->offsets, ds, c.quant, out);
  ASSERT_TRUE(y) << y.message();
  Expected<Tensor> combined = combine(*y, d->permutation, c.weights, out);
  ASSERT_TRUE(combined) << combined.message();
  EXPECT_EQ(dense->shape(), combined->shape());
  EXPECT_EQ(dense->f(), combined->f());
  // Not trivially zero.
  float norm = 0;
  for (float v : dense->f())
    norm += std::fabs(v);
  EXPECT_GT(norm, 0.0f);
}

TEST(CpuExperts, EqualsDispatchGroupedMatmulSwigluCombine) {
  expectExpertsEqualsDispatchPipeline(false);
}

TEST(CpuExperts, Fp8EqualsDispatchGroupedMatmulSwigluCombine) {
  expectExpertsEqualsDispatchPipeline(true);
}

TEST(CpuExperts, Errors) {
  ExpertCase c = makeCase(false);
  Tensor badIdx =
      Tensor::ints(DType::I32, {5, 2}, {1, 0, 2, 0, 0, 2, 2, 3, 0, 2});
  EXPECT_ERROR(experts(c.x, c.weights, badIdx, c.gate, c.up, c.down, {},
                       std::nullopt, DType::BF16),
               "moe.experts: operand 'indices' element [3, 1] = 3 is outside "
               "[0, 3)");
  EXPECT_ERROR(experts(c.x, c.weights, c.indices, c.gate, c.up, c.gate, {},
                       std::nullopt, DType::BF16),
               "operand 'down' must have shape [3, 6, 4]");
  Tensor w3 = Tensor::zeros(DType::F32, {5, 3});
  EXPECT_ERROR(experts(c.x, w3, c.indices, c.gate, c.up, c.down, {},
                       std::nullopt, DType::BF16),
               "operand 'weights' must have the indices' shape [5, 2]");
  ExpertCase q = makeCase(true);
  EXPECT_ERROR(experts(q.x, q.weights, q.indices, q.gate, q.up, q.down,
                       {&q.scales[0]}, q.quant, DType::BF16),
               "operand 'scales' must be empty or three tensors");
}

} // namespace
