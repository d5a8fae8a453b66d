//===- cpu_attention_test.cpp - moe.attention -----------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Mask tests use zero queries (all logits 0, so every visible key gets the
// same probability 1/count) and one-hot values (value of key s is e_s), so
// output row t is exactly the visibility row of query t divided by its
// count: the expected rows below are read off the window definitions.
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

// Runs single-head attention with zero queries and one-hot values over S
// keys, T queries; returns the [T, S] probability rows.
std::vector<std::vector<float>> visibility(int64_t t, int64_t s,
                                           const Window &window) {
  Tensor q = Tensor::zeros(DType::F32, {t, 1, 2});
  Tensor k = Tensor::zeros(DType::F32, {s, 1, 2});
  std::vector<float> eye(s * s, 0.0f);
  for (int64_t i = 0; i < s; ++i)
    eye[i * s + i] = 1;
  Tensor v = f32({s, 1, s}, eye);
  Expected<Tensor> o = attention(q, k, v, nullptr, 1.0, window, DType::F32);
  EXPECT_TRUE(o) << o.message();
  std::vector<std::vector<float>> rows;
  if (!o)
    return rows;
  for (int64_t i = 0; i < t; ++i)
    rows.emplace_back(o->f().begin() + i * s, o->f().begin() + (i + 1) * s);
  return rows;
}

// A row with 1/n at the listed keys.
std::vector<float> row(int64_t s, std::vector<int64_t> keys) {
  std::vector<float> r(s, 0.0f);
  for (int64_t key : keys)
    r[key] = 1.0f / static_cast<float>(keys.size());
  return r;
}

TEST(CpuAttention, CausalGlobal) {
  auto rows = visibility(3, 3, Window{});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], row(3, {0}));
  EXPECT_EQ(rows[1], row(3, {0, 1}));
  EXPECT_EQ(rows[2], row(3, {0, 1, 2}));
}

TEST(CpuAttention, QueriesAlignToTheEndOfTheKeys) {
  // S = 4, T = 2: queries sit at positions 2 and 3.
  auto rows = visibility(2, 4, Window{});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], row(4, {0, 1, 2}));
  EXPECT_EQ(rows[1], row(4, {0, 1, 2, 3}));
}

TEST(CpuAttention, SlidingWindowEdges) {
  // W = 1: each query sees only itself.
  auto one = visibility(3, 3, Window{WindowKind::Sliding, 1, 0});
  EXPECT_EQ(one[0], row(3, {0}));
  EXPECT_EQ(one[1], row(3, {1}));
  EXPECT_EQ(one[2], row(3, {2}));
  // W = 2: q - 2 < k, so key q - 2 is excluded: query 3 sees 2 and 3.
  auto two = visibility(4, 4, Window{WindowKind::Sliding, 2, 0});
  EXPECT_EQ(two[0], row(4, {0}));
  EXPECT_EQ(two[1], row(4, {0, 1}));
  EXPECT_EQ(two[2], row(4, {1, 2}));
  EXPECT_EQ(two[3], row(4, {2, 3}));
  // With a KV cache (T = 1 at position 4) the window still counts absolute
  // positions.
  auto cached = visibility(1, 5, Window{WindowKind::Sliding, 2, 0});
  EXPECT_EQ(cached[0], row(5, {3, 4}));
}

TEST(CpuAttention, ChunkedBoundaries) {
  // C = 2: chunks {0, 1}, {2, 3}, {4}.
  auto rows = visibility(5, 5, Window{WindowKind::Chunked, 2, 0});
  EXPECT_EQ(rows[0], row(5, {0}));
  EXPECT_EQ(rows[1], row(5, {0, 1}));
  EXPECT_EQ(rows[2], row(5, {2}));
  EXPECT_EQ(rows[3], row(5, {2, 3}));
  EXPECT_EQ(rows[4], row(5, {4}));
}

TEST(CpuAttention, LocalGlobalSinks) {
  // W = 1, G = 1: itself plus key 0.
  auto rows = visibility(4, 4, Window{WindowKind::LocalGlobal, 1, 1});
  EXPECT_EQ(rows[0], row(4, {0}));
  EXPECT_EQ(rows[1], row(4, {0, 1}));
  EXPECT_EQ(rows[3], row(4, {0, 3}));
  // W = 2, G = 2 at position 5: sinks 0, 1 and window 4, 5.
  auto wide = visibility(1, 6, Window{WindowKind::LocalGlobal, 2, 2});
  EXPECT_EQ(wide[0], row(6, {0, 1, 4, 5}));
}

TEST(CpuAttention, AdaptiveByKeyCount) {
  // W = 1, L = 3: global over 3 keys, sliding over 4.
  Window adaptive{WindowKind::Adaptive, 1, 0, 3};
  auto below = visibility(3, 3, adaptive);
  EXPECT_EQ(below, visibility(3, 3, Window{}));
  EXPECT_EQ(below[2], row(3, {0, 1, 2}));
  auto above = visibility(4, 4, adaptive);
  EXPECT_EQ(above, visibility(4, 4, Window{WindowKind::Sliding, 1, 0}));
  EXPECT_EQ(above[3], row(4, {3}));
  // The keys decide, not the queries: one query over 4 keys slides.
  auto decode = visibility(1, 4, adaptive);
  EXPECT_EQ(decode[0], row(4, {3}));
  // With sinks, local_global above the threshold.
  Window sinks{WindowKind::Adaptive, 2, 2, 5};
  EXPECT_EQ(visibility(1, 5, sinks)[0], row(5, {0, 1, 2, 3, 4}));
  EXPECT_EQ(visibility(1, 6, sinks)[0], row(6, {0, 1, 4, 5}));
}

TEST(CpuAttention, ScaledSoftmaxValue) {
  // One query [1], keys [0] and [1], scale ln 3: logits 0 and ln 3 ->
  // probabilities 1/4 and 3/4; values 0 and 1 -> 0.75.
  Tensor q = f32({1, 1, 1}, {1});
  Tensor k = f32({2, 1, 1}, {0, 1});
  Tensor v = f32({2, 1, 1}, {0, 1});
  Expected<Tensor> o =
      attention(q, k, v, nullptr, std::log(3.0), Window{}, DType::F32);
  ASSERT_TRUE(o) << o.message();
  EXPECT_NEAR(o->f()[0], 0.75f, 1e-6);
}

TEST(CpuAttention, GqaHeadMapping) {
  // nh = 4, nkv = 2: heads 0, 1 read kv head 0 (value 10), heads 2, 3 read
  // kv head 1 (value 20). Uniform probabilities, constant values.
  Tensor q = Tensor::zeros(DType::F32, {1, 4, 2});
  Tensor k = Tensor::zeros(DType::F32, {2, 2, 2});
  Tensor v = f32({2, 2, 1}, {10, 20, 10, 20});
  Expected<Tensor> o = attention(q, k, v, nullptr, 1.0, Window{}, DType::F32);
  ASSERT_TRUE(o) << o.message();
  EXPECT_EQ(o->shape(), (Shape{1, 4, 1}));
  EXPECT_EQ(o->f(), (std::vector<float>{10, 10, 20, 20}));
}

TEST(CpuAttention, MlaSharedKeyEqualsConcatenatedKeys) {
  const int64_t t = 3, s = 3, nh = 2, dk = 3, dr = 2, dv = 2;
  uint32_t state = 7;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  };
  std::vector<float> qs(t * nh * (dk + dr)), ks(s * nh * dk), ss(s * dr),
      vs(s * nh * dv);
  for (auto *vec : {&qs, &ks, &ss, &vs})
    for (float &x : *vec)
      x = next();
  Tensor q = Tensor::floats(DType::BF16, {t, nh, dk + dr}, qs);
  Tensor k = Tensor::floats(DType::BF16, {s, nh, dk}, ks);
  Tensor shared = Tensor::floats(DType::BF16, {s, dr}, ss);
  Tensor v = Tensor::floats(DType::BF16, {s, nh, dv}, vs);
  std::vector<float> full;
  for (int64_t si = 0; si < s; ++si)
    for (int64_t h = 0; h < nh; ++h) {
      for (int64_t c = 0; c < dk; ++c)
        full.push_back(k.f()[(si * nh + h) * dk + c]);
      for (int64_t c = 0; c < dr; ++c)
        full.push_back(shared.f()[si * dr + c]);
    }
  Tensor kFull = Tensor::floats(DType::BF16, {s, nh, dk + dr}, full);
  Expected<Tensor> a = attention(q, k, v, &shared, 0.3, Window{}, DType::BF16);
  Expected<Tensor> b =
      attention(q, kFull, v, nullptr, 0.3, Window{}, DType::BF16);
  ASSERT_TRUE(a) << a.message();
  ASSERT_TRUE(b) << b.message();
  EXPECT_EQ(a->f(), b->f());
  // Without the shared key the query dim does not match.
  std::string msg =
      attention(q, k, v, nullptr, 0.3, Window{}, DType::BF16).message();
  EXPECT_NE(msg.find("moe.attention: operand 'query' head dim must be 3"),
            std::string::npos)
      << msg;
}

TEST(CpuAttention, Bf16ProbabilitiesAreRounded) {
  // Three visible keys, uniform: p = 1/3 -> bf16 0.333984375 (step 2^-9:
  // 170.67 -> 171). One-hot values expose p itself.
  Tensor q = Tensor::zeros(DType::BF16, {1, 1, 1});
  Tensor k = Tensor::zeros(DType::BF16, {3, 1, 1});
  Tensor v =
      Tensor::floats(DType::BF16, {3, 1, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  Expected<Tensor> o = attention(q, k, v, nullptr, 1.0, Window{}, DType::BF16);
  ASSERT_TRUE(o) << o.message();
  EXPECT_EQ(o->f(), std::vector<float>(3, 0.333984375f));
}

TEST(CpuAttention, Errors) {
  Tensor q = Tensor::zeros(DType::F32, {2, 3, 2});
  Tensor k = Tensor::zeros(DType::F32, {2, 2, 2});
  Tensor v = Tensor::zeros(DType::F32, {2, 2, 2});
  std::string gqa =
      attention(q, k, v, nullptr, 1.0, Window{}, DType::F32).message();
  EXPECT_NE(gqa.find("operand 'key' has 2 heads, which must divide the 3"),
            std::string::npos)
      << gqa;
  Tensor q3 = Tensor::zeros(DType::F32, {3, 2, 2});
  std::string tooMany =
      attention(q3, k, v, nullptr, 1.0, Window{}, DType::F32).message();
  EXPECT_NE(tooMany.find("operand 'query' has 3 tokens, more than the 2 keys"),
            std::string::npos)
      << tooMany;
  Tensor q2 = Tensor::zeros(DType::F32, {2, 2, 2});
  Tensor vBad = Tensor::zeros(DType::F32, {3, 2, 2});
  std::string val =
      attention(q2, k, vBad, nullptr, 1.0, Window{}, DType::F32).message();
  EXPECT_NE(val.find("operand 'value' must have shape [2, 2, dv]"),
            std::string::npos)
      << val;
  std::string win = attention(q2, k, v, nullptr, 1.0,
                              Window{WindowKind::Sliding, 0, 0}, DType::F32)
                        .message();
  EXPECT_NE(win.find("window size must be at least 1"), std::string::npos);
  std::string threshold =
      attention(q2, k, v, nullptr, 1.0, Window{WindowKind::Adaptive, 2, 0, 0},
                DType::F32)
          .message();
  EXPECT_NE(threshold.find("moe.attention: the threshold of an adaptive "
                           "window must be >= 1, got 0"),
            std::string::npos)
      << threshold;
}

} // namespace
