//===- op_attrs_test.cpp - Rules of the op attribute sets -----------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/op_attrs.h"

#include <gtest/gtest.h>

#include <limits>

using namespace ds;

namespace {

TEST(OpAttrs, RouterFieldRules) {
  RouterConfig r;
  EXPECT_TRUE(r.validate().ok());
  RouterConfig::Rule rule;
  r.topkGroup = 2;
  Status s = r.validate(std::nullopt, &rule);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(rule, RouterConfig::Rule::TopkGroup);
  EXPECT_EQ(s.message(), "router 'topk_group' must be in [1, n_group = 1], "
                         "got 2");
  r = RouterConfig();
  r.routedScalingFactor = std::numeric_limits<double>::infinity();
  s = r.validate(std::nullopt, &rule);
  EXPECT_EQ(rule, RouterConfig::Rule::RoutedScalingFactor);
  EXPECT_EQ(s.message(), "router 'routed_scaling_factor' must be > 0, got INF");
  r.routedScalingFactor = -2.5;
  EXPECT_EQ(r.validate().message(),
            "router 'routed_scaling_factor' must be > 0, got -2.500000e+00");
}

TEST(OpAttrs, RouterExpertCountRules) {
  RouterConfig r;
  r.selection = Selection::NoauxTc;
  r.topK = 5;
  r.nGroup = 4;
  r.topkGroup = 2;
  RouterConfig::Rule rule;
  // Without the expert count only the field rules apply.
  EXPECT_TRUE(r.validate().ok());
  Status s = r.validate(8, &rule);
  EXPECT_EQ(rule, RouterConfig::Rule::TopKKeptGroups);
  EXPECT_EQ(s.message(), "top_k (5) exceeds the experts of the kept groups "
                         "(topk_group 2 x 2)");
  EXPECT_FALSE(r.validate(4, &rule).ok());
  EXPECT_EQ(rule, RouterConfig::Rule::TopKExperts);
  r.topK = 2;
  EXPECT_FALSE(r.validate(6, &rule).ok());
  EXPECT_EQ(rule, RouterConfig::Rule::NGroupDivides);
  EXPECT_FALSE(r.validate(4, &rule).ok());
  EXPECT_EQ(rule, RouterConfig::Rule::NoauxGroupSize);
  EXPECT_TRUE(r.validate(8).ok());
}

TEST(OpAttrs, Yarn) {
  Yarn y;
  y.factor = 40.0;
  y.originalMaxPositionEmbeddings = 4096;
  EXPECT_TRUE(y.validate().ok());
  EXPECT_DOUBLE_EQ(y.effectiveAttentionFactor(),
                   Yarn::computeMscale(40.0, 1.0));
  Yarn::Rule rule;
  y.betaSlow = 32.0;
  Status s = y.validate(&rule);
  EXPECT_EQ(rule, Yarn::Rule::Betas);
  EXPECT_EQ(s.message(), "yarn needs beta_fast > beta_slow > 0, got "
                         "beta_fast = 3.200000e+01, beta_slow = 3.200000e+01");
  y = Yarn();
  y.factor = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(y.validate().message(), "yarn 'factor' must be >= 1, got nan");
}

TEST(OpAttrs, RopeTheta) {
  EXPECT_TRUE(validateRopeTheta(10000.0).ok());
  EXPECT_TRUE(validateRopeTheta(1.0000001).ok());
  for (double bad :
       {1.0, 0.5, 0.0, -10000.0, std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()})
    EXPECT_FALSE(validateRopeTheta(bad).ok()) << bad;
  EXPECT_EQ(validateRopeTheta(0.5).message(),
            "'theta' must be > 1, got 5.000000e-01");
}

TEST(OpAttrs, AdaptiveWindow) {
  Window::Rule rule;
  EXPECT_TRUE((Window{WindowKind::Adaptive, 4, 0, 16}.validate().ok()));
  EXPECT_TRUE((Window{WindowKind::Adaptive, 4, 2, 16}.validate().ok()));
  Status size = Window{WindowKind::Adaptive, 0, 0, 16}.validate(&rule);
  EXPECT_EQ(rule, Window::Rule::Size);
  EXPECT_EQ(size.message(),
            "the size of an adaptive window must be >= 1, got 0");
  Status threshold = Window{WindowKind::Adaptive, 4, 0, 0}.validate(&rule);
  EXPECT_EQ(rule, Window::Rule::Threshold);
  EXPECT_EQ(threshold.message(),
            "the threshold of an adaptive window must be >= 1, got 0");
  Status sinks = Window{WindowKind::Adaptive, 4, -1, 16}.validate(&rule);
  EXPECT_EQ(rule, Window::Rule::Sinks);
  EXPECT_EQ(sinks.message(),
            "an adaptive window needs >= 0 sink tokens, got -1");
  EXPECT_EQ(Window{}.validate(&rule).ok(), true);
  EXPECT_FALSE((Window{WindowKind::Global, 0, 0, 3}.validate(&rule).ok()));
  EXPECT_EQ(rule, Window::Rule::GlobalTakesNothing);

  // resolve(): global up to and including the threshold, then the window.
  auto same = [](const Window &a, const Window &b) {
    return a.kind == b.kind && a.size == b.size && a.sinks == b.sinks &&
           a.threshold == b.threshold;
  };
  Window sliding{WindowKind::Adaptive, 4, 0, 16};
  EXPECT_TRUE(same(sliding.resolve(1), Window{}));
  EXPECT_TRUE(same(sliding.resolve(16), Window{}));
  EXPECT_TRUE(same(sliding.resolve(17), Window{WindowKind::Sliding, 4, 0}));
  Window sinking{WindowKind::Adaptive, 4, 2, 16};
  EXPECT_TRUE(same(sinking.resolve(16), Window{}));
  EXPECT_TRUE(same(sinking.resolve(17), Window{WindowKind::LocalGlobal, 4, 2}));
  // Every other window resolves to itself.
  Window chunked{WindowKind::Chunked, 8, 0};
  EXPECT_TRUE(same(chunked.resolve(1), chunked));
  EXPECT_TRUE(same(chunked.resolve(1 << 20), chunked));
  EXPECT_STREQ(windowKindName(WindowKind::Adaptive), "adaptive");
}

TEST(OpAttrs, WindowAndQuant) {
  EXPECT_TRUE(Window().validate().ok());
  Window::Rule rule;
  Status s = Window{WindowKind::Chunked, 0, 0}.validate(&rule);
  EXPECT_EQ(rule, Window::Rule::Size);
  EXPECT_EQ(s.message(), "the size of a chunked window must be >= 1, got 0");
  EXPECT_FALSE((Window{WindowKind::LocalGlobal, 4, 0}.validate(&rule).ok()));
  EXPECT_EQ(rule, Window::Rule::Sinks);
  EXPECT_FALSE((Window{WindowKind::Global, 4, 0}.validate(&rule).ok()));
  EXPECT_EQ(rule, Window::Rule::GlobalTakesNothing);
  EXPECT_FALSE((Window{WindowKind::Sliding, 4, 0, 8}.validate(&rule).ok()));
  EXPECT_EQ(rule, Window::Rule::Threshold);

  Quant q;
  EXPECT_TRUE(q.validate().ok());
  q.blockCols = -128;
  EXPECT_EQ(q.validate().message(),
            "quant 'block' entries must be >= 1, got [128, -128]");
  EXPECT_EQ(quantStorageDType(QuantScheme::Int4), DType::I4);
  EXPECT_STREQ(quantSchemeName(QuantScheme::FP8E4M3), "fp8_e4m3");
}

} // namespace
