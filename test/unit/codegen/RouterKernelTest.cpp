//===- RouterKernelTest.cpp - kernel.router on the sim and through NVRTC --===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/router.cuh on the sim against the CPU reference
// (ds::cpu::router): greedy, group_limited and noaux_tc selection, with and
// without a correction bias, softmax and sigmoid scoring, E = 8, 64, 256,
// K = 1, 2, 6, 8, groups (8, 4) and (4, 2), T = 1 and 5 (one, two and four
// tokens per CTA), bf16 and f32 x, the 16-byte cp.async path and the scalar
// one; on random inputs and on inputs
// full of ties (small integers: equal logits, equal group scores). The
// indices must equal the reference's exactly and the weights be within one
// ulp of the out type (the sim computes every value as the reference does,
// so they agree bit for bit: the test reports the worst ulps it saw). And
// through NVRTC for sm_90a without local memory.
//
//===----------------------------------------------------------------------===//

#include "router_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>
#include <vector>

namespace {

using ds::DType;
using namespace ds::test;

template <class T> DType dtypeOf() {
  if constexpr (std::is_same_v<T, float>)
    return DType::F32;
  else if constexpr (std::is_same_v<T, __nv_bfloat16>)
    return DType::BF16;
  else
    return DType::F16;
}

template <class T, class TG, class TB, class TW>
using RouterFn = void (*)(ds::gptr<const T>, ds::gptr<const TG>,
                          ds::gptr<const TB>, ds::gptr<TW>, ds::gptr<int>, int,
                          int, int, ds::RouterParams);

ds::RouterParams paramsOf(const ds::RouterConfig &c) {
  ds::RouterParams p{};
  p.scoring = c.scoring == ds::Scoring::Softmax ? ds::RouterScoring::Softmax
                                                : ds::RouterScoring::Sigmoid;
  p.selection = c.selection == ds::Selection::Greedy
                    ? ds::RouterSelection::Greedy
                : c.selection == ds::Selection::GroupLimited
                    ? ds::RouterSelection::GroupLimited
                    : ds::RouterSelection::NoauxTc;
  p.topK = int(c.topK);
  p.nGroup = int(c.nGroup);
  p.topkGroup = int(c.topkGroup);
  p.normTopkProb = c.normTopkProb;
  p.routedScalingFactor = static_cast<float>(c.routedScalingFactor);
  p.groupFill = c.groupFill == ds::GroupFill::NegInf
                    ? ds::RouterGroupFill::NegInf
                    : ds::RouterGroupFill::Zero;
  return p;
}

struct Case {
  ds::RouterConfig config;
  int experts;
  bool bias;
};

ds::RouterConfig config(ds::Scoring scoring, ds::Selection selection, int k,
                        int nGroup, int topkGroup, bool norm, double scale,
                        ds::GroupFill fill) {
  ds::RouterConfig c;
  c.scoring = scoring;
  c.selection = selection;
  c.topK = k;
  c.nGroup = nGroup;
  c.topkGroup = topkGroup;
  c.normTopkProb = norm;
  c.routedScalingFactor = scale;
  c.groupFill = fill;
  return c;
}

/// The selection kinds, scorings and sizes of models.md §2.4, at most
/// `maxExperts` experts.
std::vector<Case> cases(int maxExperts) {
  using ds::GroupFill;
  using ds::Scoring;
  using ds::Selection;
  std::vector<Case> all = {
      // Mixtral / Qwen-MoE: greedy softmax.
      {config(Scoring::Softmax, Selection::Greedy, 2, 1, 1, false, 1.0,
              GroupFill::NegInf),
       8, false},
      {config(Scoring::Softmax, Selection::Greedy, 6, 1, 1, true, 1.0,
              GroupFill::NegInf),
       64, true},
      {config(Scoring::Sigmoid, Selection::Greedy, 8, 1, 1, true, 2.5,
              GroupFill::NegInf),
       256, true},
      {config(Scoring::Sigmoid, Selection::Greedy, 1, 1, 1, false, 1.0,
              GroupFill::NegInf),
       256, false},
      // DeepSeek-V2: group-limited softmax, dropped groups 0.
      {config(Scoring::Softmax, Selection::GroupLimited, 6, 8, 4, false, 16.0,
              GroupFill::Zero),
       64, false},
      {config(Scoring::Sigmoid, Selection::GroupLimited, 2, 4, 2, false, 1.0,
              GroupFill::NegInf),
       8, true},
      {config(Scoring::Softmax, Selection::GroupLimited, 8, 8, 4, true, 1.0,
              GroupFill::NegInf),
       256, true},
      // DeepSeek-V3: noaux_tc sigmoid with its bias.
      {config(Scoring::Sigmoid, Selection::NoauxTc, 8, 8, 4, true, 2.5,
              GroupFill::NegInf),
       256, true},
      {config(Scoring::Softmax, Selection::NoauxTc, 1, 4, 2, false, 1.0,
              GroupFill::Zero),
       64, true},
      {config(Scoring::Sigmoid, Selection::NoauxTc, 2, 4, 2, true, 1.0,
              GroupFill::Zero),
       8, true},
  };
  std::vector<Case> out;
  for (const Case &c : all)
    if (c.experts <= maxExperts)
      out.push_back(c);
  return out;
}

/// Random inputs; small integers (many ties); or a zero gate (every logit 0:
/// the picks are the lowest indices of the lowest groups).
enum class Inputs { Random, Ties, Equal };

/// Runs one case; returns the worst weight ulps and checks the indices
/// exactly.
template <class T, class TG, class TB, class TW>
double run(RouterFn<T, TG, TB, TW> fn, const char *entry, unsigned threads,
           int perCta, const Case &c, int tokens, int hidden, Inputs inputs,
           uint64_t seed) {
  const DType tx = dtypeOf<T>(), tg = dtypeOf<TG>(), tb = dtypeOf<TB>(),
              tw = dtypeOf<TW>();
  const int e = c.experts, k = int(c.config.topK);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> small(-2, 2);
  std::vector<float> x(size_t(tokens) * hidden), gate(size_t(e) * hidden),
      bias(e);
  const bool ties = inputs != Inputs::Random;
  if (ties) {
    // Small integers: every logit exact in any order, many equal; a few
    // gate rows copied so whole experts (and groups) tie.
    for (float &v : x)
      v = float(small(rng));
    for (float &v : gate)
      v = 0.5f * float(small(rng) / 2);
    for (int r = 1; r < e; r += 3)
      std::copy(gate.begin() + (r - 1) * hidden, gate.begin() + r * hidden,
                gate.begin() + r * hidden);
    for (float &v : bias)
      v = 0.125f * float(small(rng) / 2);
    if (inputs == Inputs::Equal) {
      std::fill(gate.begin(), gate.end(), 0.0f);
      std::fill(bias.begin(), bias.end(), 0.25f);
    }
  } else {
    const float g = 1.0f / std::sqrt(float(hidden));
    for (float &v : x)
      v = normal(rng);
    for (float &v : gate)
      v = g * normal(rng);
    for (float &v : bias)
      v = 0.05f * normal(rng);
  }
  ds::cpu::Tensor txT = ds::cpu::Tensor::floats(tx, {tokens, hidden}, x);
  ds::cpu::Tensor tgT = ds::cpu::Tensor::floats(tg, {e, hidden}, gate);
  ds::cpu::Tensor tbT = ds::cpu::Tensor::floats(tb, {e}, bias);
  auto ref = ds::cpu::router(txT, tgT, c.bias ? &tbT : nullptr, c.config, tw);
  EXPECT_TRUE(ref.ok()) << ref.message();
  if (!ref.ok())
    return 1e30;

  std::vector<uint8_t> bx = encode(tx, txT.f()), bg = encode(tg, tgT.f()),
                       bb = encode(tb, tbT.f());
  std::vector<uint8_t> bw(size_t(tokens) * k * sizeof(TW));
  std::vector<int> bi(size_t(tokens) * k, -1);
  ds::sim::Device dev;
  dev.options().seed = seed;
  EXPECT_TRUE(dev.registerBuffer(bx.data(), bx.size(), "x", true).ok());
  EXPECT_TRUE(dev.registerBuffer(bg.data(), bg.size(), "gate", true).ok());
  EXPECT_TRUE(dev.registerBuffer(bb.data(), bb.size(), "bias", true).ok());
  EXPECT_TRUE(dev.registerBuffer(bw.data(), bw.size(), "weights").ok());
  EXPECT_TRUE(
      dev.registerBuffer(bi.data(), bi.size() * sizeof(int), "indices").ok());
  ds::Status st = ds::sim::launch(
      dev, fn, entry, {unsigned((tokens + perCta - 1) / perCta)}, {threads}, 0,
      reinterpret_cast<const T *>(bx.data()),
      reinterpret_cast<const TG *>(bg.data()),
      c.bias ? reinterpret_cast<const TB *>(bb.data()) : nullptr,
      reinterpret_cast<TW *>(bw.data()), bi.data(), tokens, hidden, e,
      paramsOf(c.config));
  EXPECT_TRUE(st.ok()) << st.message();

  std::vector<int> expectedIdx(ref->indices.i().begin(),
                               ref->indices.i().end());
  EXPECT_EQ(bi, expectedIdx)
      << entry << " E " << e << " K " << k << " T " << tokens << " H " << hidden
      << " inputs " << int(inputs);
  if (inputs == Inputs::Equal) {
    // Every choice ties: groups 0 .. topkGroup - 1 survive (a prefix of the
    // experts), and the picks are experts 0 .. K - 1 in order.
    for (int t = 0; t < tokens; ++t)
      for (int j = 0; j < k; ++j)
        EXPECT_EQ(bi[size_t(t) * k + j], j) << entry << " E " << e;
  }
  std::vector<float> w = decode(tw, bw);
  double worst = 0;
  for (size_t i = 0; i < w.size(); ++i)
    worst = std::max(worst, ulps(tw, w[i], ref->weights.f()[i]));
  EXPECT_LE(worst, 1.0) << entry << " E " << e << " K " << k;
  return worst;
}

template <class T, class TG, class TB, class TW>
void runAll(RouterFn<T, TG, TB, TW> fn, const char *entry, unsigned threads,
            int perCta, int maxExperts, std::initializer_list<int> hiddens) {
  double worst = 0;
  uint64_t seed = 100;
  for (const Case &c : cases(maxExperts))
    for (int tokens : {1, 5})
      for (Inputs inputs : {Inputs::Random, Inputs::Ties, Inputs::Equal})
        for (int hidden : hiddens)
          worst = std::max(worst, run(fn, entry, threads, perCta, c, tokens,
                                      hidden, inputs, ++seed));
  std::cout << entry << ": worst weight " << worst << " ulps\n";
}

TEST(RouterKernel, Bf16MatchesTheReference) {
  // 72: 16-byte cp.async, two chunks and a partial one; 37: scalar loads.
  runAll(router_bf16_256, "router_bf16_256", 256, 1, 256, {72, 37});
}

TEST(RouterKernel, Bf16FourTokensPerCtaMatchesTheReference) {
  // T = 5: a full CTA and one with a single token.
  runAll(router_bf16_256_t4, "router_bf16_256_t4", 256, 4, 256, {72, 37});
}

TEST(RouterKernel, F32MatchesTheReference) {
  runAll(router_f32_128x256, "router_f32_128x256", 128, 1, 256, {40, 21});
}

TEST(RouterKernel, MixedTypesMatchTheReference) {
  runAll(router_f32_bf16_128_t2, "router_f32_bf16_128_t2", 128, 2, 128,
         {72, 45});
  runAll(router_bf16_f32_64_t2, "router_bf16_f32_64_t2", 64, 2, 64, {48, 50});
}

TEST(RouterKernel, CompilesWithNvrtcWithoutLocalMemory) {
  expectEntriesCompile(readFile(DS_ROUTER_KERNELS),
                       {"router_bf16_256", "router_bf16_256_t4",
                        "router_f32_128x256", "router_f32_bf16_128_t2",
                        "router_bf16_f32_64_t2"},
                       kMaxStaticSmem);
}

} // namespace
