//===- cpu_basic_ops_test.cpp - embedding, norms, linear, activations -----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Expected values are derived by hand (see the comment next to each).
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

//===----------------------------------------------------------------------===//
// embedding
//===----------------------------------------------------------------------===//

TEST(CpuEmbedding, PicksRowsAndCasts) {
  Tensor table = f32({3, 2}, {0, 1, 2, 3, 4, 1.0f + 0x1p-8f});
  Tensor ids = Tensor::ints(DType::I32, {3}, {2, 0, 2});
  Expected<Tensor> y = embedding(table, ids, DType::BF16);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->shape(), (Shape{3, 2}));
  EXPECT_EQ(y->dtype(), DType::BF16);
  // Row 2 is [4, 1 + 2^-8]; the bf16 cast rounds the tie to 1.
  EXPECT_EQ(y->f(), (std::vector<float>{4, 1, 0, 1, 4, 1}));
}

TEST(CpuEmbedding, OutOfRangeIdNamesPositionAndValue) {
  Tensor table = f32({3, 2}, {0, 1, 2, 3, 4, 5});
  EXPECT_ERROR(
      embedding(table, Tensor::ints(DType::I64, {3}, {0, 1, 3}), DType::F32),
      "moe.embedding: operand 'ids' element 2 = 3 is outside [0, 3)");
  EXPECT_ERROR(
      embedding(table, Tensor::ints(DType::I32, {1}, {-1}), DType::F32),
      "element 0 = -1");
  EXPECT_ERROR(embedding(table, f32({1}, {0}), DType::F32),
               "operand 'ids' must be an integer tensor");
}

//===----------------------------------------------------------------------===//
// rms_norm
//===----------------------------------------------------------------------===//

TEST(CpuRmsNorm, F32Values) {
  // x = [3, 4]: mean(x²) = 12.5, rsqrt = 0.2828427; w = [1, 2].
  Tensor x = f32({1, 2}, {3, 4});
  Tensor w = f32({2}, {1, 2});
  Expected<Tensor> y = rmsNorm(x, w, 0.0, DType::F32);
  ASSERT_TRUE(y) << y.message();
  EXPECT_NEAR(y->f()[0], 3 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y->f()[1], 2 * 4 / std::sqrt(12.5), 1e-6);
}

TEST(CpuRmsNorm, Bf16RoundsBeforeTheWeight) {
  // x = [1, 5] (bf16), w = [1.75, 1.75], eps 1e-6. mean(x²) = 13,
  // rsqrt ≈ 0.2773501.
  //  element 0: 0.2773501 -> bf16 (step 2^-9 in [0.25, 0.5)): 142.003 steps
  //    -> 0.27734375; · 1.75 = 0.4853515625 = 248.5 steps, a tie -> 248
  //    (even) -> 0.484375. Rounding once after the weight would give
  //    1.75 · 0.2773501 = 0.4853627 -> 249 steps -> 0.486328125.
  //  element 1: 5 · 0.2773501 = 1.3867505 -> bf16 (step 2^-7): 177.50 ->
  //    178 -> 1.390625; · 1.75 = 2.43359375 -> step 2^-6: 155.75 -> 156 ->
  //    2.4375.
  Tensor x = Tensor::floats(DType::BF16, {2}, {1, 5});
  Tensor w = Tensor::floats(DType::BF16, {2}, {1.75f, 1.75f});
  Expected<Tensor> y = rmsNorm(x, w, 1e-6, DType::BF16);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->f(), (std::vector<float>{0.484375f, 2.4375f}));
}

TEST(CpuRmsNorm, AnyRankAndErrors) {
  Tensor x = f32({2, 1, 2}, {1, 1, -2, 2});
  Tensor w = f32({2}, {1, 1});
  Expected<Tensor> y = rmsNorm(x, w, 0.0, DType::F32);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(y->f(), (std::vector<float>{1, 1, -1, 1}));
  EXPECT_ERROR(rmsNorm(x, f32({3}, {1, 1, 1}), 0.0, DType::F32),
               "moe.rms_norm: operand 'weight' must have shape [2]");
}

TEST(CpuAddRmsNorm, SumIsRoundedAndNormalized) {
  // sum = [1, 5] + [2^-9, 0]: 1 + 2^-9 rounds to 1 in bf16, so normed is the
  // Bf16RoundsBeforeTheWeight result.
  Tensor x = Tensor::floats(DType::F32, {1, 2}, {1, 5});
  Tensor res = Tensor::floats(DType::F32, {1, 2}, {0x1p-9f, 0});
  Tensor w = Tensor::floats(DType::BF16, {2}, {1.75f, 1.75f});
  Expected<AddRmsNormResult> r = addRmsNorm(x, res, w, 1e-6, DType::BF16);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->sum.f(), (std::vector<float>{1, 5}));
  EXPECT_EQ(r->normed.f(), (std::vector<float>{0.484375f, 2.4375f}));
  EXPECT_ERROR(addRmsNorm(x, f32({2}, {1, 2}), w, 1e-6, DType::BF16),
               "operand 'residual' must have the input's shape");
}

//===----------------------------------------------------------------------===//
// linear
//===----------------------------------------------------------------------===//

TEST(CpuLinear, DenseWithBias) {
  // x [2, 2] · W [3, 2]ᵀ + b: rows [1, 2] and [3, -1].
  Tensor x = f32({2, 2}, {1, 2, 3, -1});
  Tensor w = f32({3, 2}, {1, 0, 0, 1, 1, 1});
  Tensor b = f32({3}, {0.5f, -1, 0});
  Expected<Tensor> y = linear(x, w, nullptr, &b, std::nullopt, DType::F32);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->shape(), (Shape{2, 3}));
  EXPECT_EQ(y->f(), (std::vector<float>{1.5f, 1, 3, 3.5f, -2, 2}));
  // Rank-3 input keeps its leading dims.
  Expected<Tensor> y3 = linear(f32({1, 2, 2}, {1, 2, 3, -1}), w, nullptr,
                               nullptr, std::nullopt, DType::F32);
  ASSERT_TRUE(y3) << y3.message();
  EXPECT_EQ(y3->shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(y3->f(), (std::vector<float>{1, 2, 3, 3, -1, 2}));
}

TEST(CpuLinear, BiasAddedBeforeRounding) {
  // 1 + 2^-8 + 2^-8 in fp32 = 1 + 2^-7 exactly (a bf16 value). Rounding the
  // product first would give bf16(1 + 2^-8) = 1, then 1 + 2^-8 -> 1.
  Tensor x = f32({1, 1}, {1.0f + 0x1p-8f});
  Tensor w = f32({1, 1}, {1});
  Tensor b = f32({1}, {0x1p-8f});
  Expected<Tensor> y = linear(x, w, nullptr, &b, std::nullopt, DType::BF16);
  ASSERT_TRUE(y) << y.message();
  EXPECT_EQ(y->f()[0], 1.0f + 0x1p-7f);
}

TEST(CpuLinear, Fp8SmallRaggedBlocks) {
  // N = 5, K = 7, block [2, 3] -> scales [3, 3]; last row block holds one
  // row, last column block one column. Wq = 1 except Wq[4, 6] = -0.5;
  // scale[i][j] = 2^(3i + j). With x = the 7x7 identity, y[k][n] = W[n][k] =
  // Wq[n][k] · scale[n / 2][k / 3].
  const int64_t n = 5, k = 7;
  std::vector<float> q(n * k, 1.0f);
  q[4 * k + 6] = -0.5f;
  Tensor wq = Tensor::floats(DType::F8E4M3, {n, k}, q);
  std::vector<float> s;
  for (int i = 0; i < 9; ++i)
    s.push_back(std::ldexp(1.0f, i));
  Tensor scales = f32({3, 3}, s);
  std::vector<float> eye(k * k, 0.0f);
  for (int i = 0; i < k; ++i)
    eye[i * k + i] = 1;
  Quant quant{QuantScheme::FP8E4M3, 2, 3};
  Expected<Tensor> y =
      linear(f32({k, k}, eye), wq, &scales, nullptr, quant, DType::F32);
  ASSERT_TRUE(y) << y.message();
  ASSERT_EQ(y->shape(), (Shape{k, n}));
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      float expected = std::ldexp(1.0f, int(3 * (nn / 2) + kk / 3));
      if (nn == 4 && kk == 6)
        expected = -0.5f * 256; // scale[2][2] = 2^8
      EXPECT_EQ(y->f()[kk * n + nn], expected) << kk << ", " << nn;
    }
}

TEST(CpuLinear, Fp8Block128Ragged) {
  // N = 130, K = 200, block [128, 128]: scales [2, 2] = [[1, 2], [3, 4]];
  // Wq = 1, x = ones. Rows n < 128: 128·1 + 72·2 = 272; rows 128, 129:
  // 128·3 + 72·4 = 672.
  Tensor wq = Tensor::floats(DType::F8E4M3, {130, 200},
                             std::vector<float>(130 * 200, 1.0f));
  Tensor scales = f32({2, 2}, {1, 2, 3, 4});
  Tensor x = f32({1, 200}, std::vector<float>(200, 1.0f));
  Expected<Tensor> y = linear(x, wq, &scales, nullptr, Quant{}, DType::F32);
  ASSERT_TRUE(y) << y.message();
  ASSERT_EQ(y->numel(), 130);
  EXPECT_EQ(y->f()[0], 272);
  EXPECT_EQ(y->f()[127], 272);
  EXPECT_EQ(y->f()[128], 672);
  EXPECT_EQ(y->f()[129], 672);
  // Wrong scale shape: [1, 2] instead of ceil(130/128) = 2 rows.
  Tensor bad = f32({1, 2}, {1, 2});
  EXPECT_ERROR(linear(x, wq, &bad, nullptr, Quant{}, DType::F32),
               "moe.linear: operand 'scales' must have shape [2, 2]");
  EXPECT_ERROR(linear(x, wq, nullptr, nullptr, std::nullopt, DType::F32),
               "operand 'weight' of type F8_E4M3[130, 200] needs a quant");
}

TEST(CpuLinear, Int8AndInt4Groups) {
  // int8, block [1, 2]: W row 0 = [-3·0.5, 5·0.5, 2·0.25] = [-1.5, 2.5, 0.5].
  Tensor w8 = Tensor::ints(DType::I8, {1, 3}, {-3, 5, 2});
  Tensor s8 = f32({1, 2}, {0.5f, 0.25f});
  Tensor x = f32({1, 3}, {1, 2, 4});
  Expected<Tensor> y8 =
      linear(x, w8, &s8, nullptr, Quant{QuantScheme::Int8, 1, 2}, DType::F32);
  ASSERT_TRUE(y8) << y8.message();
  EXPECT_EQ(y8->f()[0], -1.5f + 5.0f + 2.0f);
  // int4, block [1, 3]: W = [-8, 7, 1] · 2 -> x·W = -16 + 28 + 8 = 20.
  Tensor w4 = Tensor::ints(DType::I4, {1, 3}, {-8, 7, 1});
  Tensor s4 = f32({1, 1}, {2});
  Expected<Tensor> y4 =
      linear(x, w4, &s4, nullptr, Quant{QuantScheme::Int4, 1, 3}, DType::F32);
  ASSERT_TRUE(y4) << y4.message();
  EXPECT_EQ(y4->f()[0], 20.0f);
  EXPECT_ERROR(
      linear(x, w4, &s4, nullptr, Quant{QuantScheme::Int8, 1, 3}, DType::F32),
      "operand 'weight' must be I8 for quant scheme int8");
}

TEST(CpuLinear, ShapeErrors) {
  Tensor w = f32({3, 2}, {1, 0, 0, 1, 1, 1});
  EXPECT_ERROR(linear(f32({1, 3}, {1, 2, 3}), w, nullptr, nullptr, std::nullopt,
                      DType::F32),
               "moe.linear: operand 'input' last dim must be 2");
  Tensor b = f32({2}, {0, 0});
  EXPECT_ERROR(
      linear(f32({1, 2}, {1, 2}), w, nullptr, &b, std::nullopt, DType::F32),
      "operand 'bias' must have shape [3]");
}

TEST(CpuLinear, ThreadedMatchesSingleRows) {
  // Large enough to run on two threads; every row must equal the same row
  // computed alone (single-threaded, same summation order).
  const int64_t m = 64, k = 96, n = 80;
  std::vector<float> xs(m * k), ws(n * k);
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  };
  for (float &v : xs)
    v = next();
  for (float &v : ws)
    v = next();
  Tensor w = Tensor::floats(DType::BF16, {n, k}, ws);
  Tensor x = Tensor::floats(DType::BF16, {m, k}, xs);
  Expected<Tensor> all =
      linear(x, w, nullptr, nullptr, std::nullopt, DType::BF16);
  ASSERT_TRUE(all) << all.message();
  for (int64_t r : {int64_t(0), m / 2, m - 1}) {
    std::vector<float> row(x.f().begin() + r * k, x.f().begin() + (r + 1) * k);
    Expected<Tensor> one = linear(Tensor::floats(DType::BF16, {1, k}, row), w,
                                  nullptr, nullptr, std::nullopt, DType::BF16);
    ASSERT_TRUE(one);
    for (int64_t c = 0; c < n; ++c)
      EXPECT_EQ(all->f()[r * n + c], one->f()[c]) << r << ", " << c;
  }
}

TEST(CpuLinear, SplitMatchesSeparateLinears) {
  // A [N0 + N1 + N2, K] weight with its [N] bias (moe-fuse-qkv's join):
  // result i holds exactly the bits of linear() over segment i's rows, for
  // a rank-3 bf16 input.
  const int64_t k = 40;
  const std::vector<int64_t> split = {24, 8, 16};
  const int64_t n = 48;
  uint32_t state = 777;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  };
  std::vector<float> xs(5 * 3 * k), ws(n * k), bs(n);
  for (std::vector<float> *v : {&xs, &ws, &bs})
    for (float &f : *v)
      f = next();
  Tensor x = Tensor::floats(DType::BF16, {5, 3, k}, xs);
  Tensor w = Tensor::floats(DType::BF16, {n, k}, ws);
  Tensor b = Tensor::floats(DType::BF16, {n}, bs);
  Expected<std::vector<Tensor>> parts =
      linearSplit(x, w, nullptr, &b, std::nullopt, split, DType::BF16);
  ASSERT_TRUE(parts) << parts.message();
  ASSERT_EQ(parts->size(), 3u);
  int64_t row0 = 0;
  for (size_t i = 0; i < split.size(); ++i) {
    int64_t rows = split[i];
    Tensor wi =
        Tensor::floats(DType::BF16, {rows, k},
                       std::vector<float>(w.f().begin() + row0 * k,
                                          w.f().begin() + (row0 + rows) * k));
    Tensor bi = Tensor::floats(
        DType::BF16, {rows},
        std::vector<float>(b.f().begin() + row0, b.f().begin() + row0 + rows));
    Expected<Tensor> one =
        linear(x, wi, nullptr, &bi, std::nullopt, DType::BF16);
    ASSERT_TRUE(one) << one.message();
    EXPECT_EQ((*parts)[i].shape(), (Shape{5, 3, rows}));
    EXPECT_EQ((*parts)[i].encode(), one->encode()) << i;
    row0 += rows;
  }
  EXPECT_ERROR(
      linearSplit(x, w, nullptr, &b, std::nullopt, {24, 8, 8}, DType::BF16),
      "moe.linear: operand 'split' segments sum to 40, but the "
      "weight has 48 rows");
  EXPECT_ERROR(
      linearSplit(x, w, nullptr, &b, std::nullopt, {48, 0}, DType::BF16),
      "segment 1 must have at least one row, got 0");
}

TEST(CpuLinear, SplitFp8KeepsScaleBlocks) {
  // The N = 5, block [2, 3] weight of Fp8SmallRaggedBlocks split [4, 1]:
  // segment 0 is scale rows 0-1, segment 1 scale row 2; each result equals
  // linear() of its rows with its scale rows. A segment of 3 rows would
  // straddle a scale block.
  const int64_t k = 7;
  std::vector<float> q(5 * k, 1.0f);
  q[4 * k + 6] = -0.5f;
  std::vector<float> s;
  for (int i = 0; i < 9; ++i)
    s.push_back(std::ldexp(1.0f, i));
  Quant quant{QuantScheme::FP8E4M3, 2, 3};
  Tensor x = Tensor::floats(DType::F32, {2, k},
                            {1, 2, 3, 4, 5, 6, 7, -1, 0, 1, 0, -1, 2, 0.5});
  Tensor wq = Tensor::floats(DType::F8E4M3, {5, k}, q);
  Tensor scales = f32({3, 3}, s);
  Expected<std::vector<Tensor>> parts =
      linearSplit(x, wq, &scales, nullptr, quant, {4, 1}, DType::F32);
  ASSERT_TRUE(parts) << parts.message();
  Tensor w0 = Tensor::floats(DType::F8E4M3, {4, k},
                             std::vector<float>(q.begin(), q.begin() + 4 * k));
  Tensor s0 = f32({2, 3}, std::vector<float>(s.begin(), s.begin() + 6));
  Tensor w1 = Tensor::floats(DType::F8E4M3, {1, k},
                             std::vector<float>(q.begin() + 4 * k, q.end()));
  Tensor s1 = f32({1, 3}, std::vector<float>(s.begin() + 6, s.end()));
  Expected<Tensor> y0 = linear(x, w0, &s0, nullptr, quant, DType::F32);
  Expected<Tensor> y1 = linear(x, w1, &s1, nullptr, quant, DType::F32);
  ASSERT_TRUE(y0 && y1);
  EXPECT_EQ((*parts)[0].f(), y0->f());
  EXPECT_EQ((*parts)[1].f(), y1->f());
  EXPECT_ERROR(linearSplit(x, wq, &scales, nullptr, quant, {3, 2}, DType::F32),
               "segment 0 (3 rows) is not a multiple of the quant block's 2 "
               "rows");
}

//===----------------------------------------------------------------------===//
// swiglu, sigmoid_gate
//===----------------------------------------------------------------------===//

TEST(CpuActivations, SwigluAndSigmoidGate) {
  // silu(0) = 0; silu(2)·3 = 2·3/(1 + e^-2) = 5.2847...
  Expected<Tensor> s = swiglu(f32({2}, {0, 2}), f32({2}, {5, 3}), DType::F32);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->f()[0], 0.0f);
  EXPECT_NEAR(s->f()[1], 6.0 / (1.0 + std::exp(-2.0)), 1e-6);
  EXPECT_ERROR(swiglu(f32({2}, {0, 2}), f32({1}, {5}), DType::F32),
               "moe.swiglu: operand 'up' must have the gate's shape [2]");
  // sigmoid(0) = 0.5 halves token 0; sigmoid(ln 3) = 0.75 for token 1.
  Tensor x = f32({2, 2}, {2, 4, 4, -8});
  Tensor logit = f32({2, 1}, {0, std::log(3.0f)});
  Expected<Tensor> g = sigmoidGate(x, logit, DType::F32);
  ASSERT_TRUE(g) << g.message();
  EXPECT_EQ(g->f()[0], 1.0f);
  EXPECT_EQ(g->f()[1], 2.0f);
  EXPECT_NEAR(g->f()[2], 3.0f, 1e-6);
  EXPECT_NEAR(g->f()[3], -6.0f, 1e-6);
  EXPECT_ERROR(sigmoidGate(x, f32({2, 2}, {0, 0, 0, 0}), DType::F32),
               "moe.sigmoid_gate: operand 'logit' must have shape [2, 1]");
}

TEST(CpuActivations, Bf16CastOrderFollowsHuggingFace) {
  // HF computes act_fn(gate) in the activation dtype, then multiplies:
  // silu(0.037109375) = 0.018898... rounds to 0.018920898 in bf16, times 7
  // is 0.13244628 -> 0.1328125; rounding only the product gives 0.13183594.
  Tensor gate = Tensor::floats(DType::BF16, {1}, {0.037109375f});
  Tensor up = Tensor::floats(DType::BF16, {1}, {7.0f});
  Expected<Tensor> s = swiglu(gate, up, DType::BF16);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->f()[0], 0.1328125f);
  // sigmoid(0.017333984) = 0.50433... rounds to 0.50390625 in bf16, times 11
  // is 5.54296875 -> 5.53125; rounding only the product gives 5.5625.
  Tensor x = Tensor::floats(DType::BF16, {1, 1}, {11.0f});
  Tensor logit = Tensor::floats(DType::BF16, {1, 1}, {0.017333984375f});
  Expected<Tensor> g = sigmoidGate(x, logit, DType::BF16);
  ASSERT_TRUE(g) << g.message();
  EXPECT_EQ(g->f()[0], 5.53125f);
}

} // namespace
