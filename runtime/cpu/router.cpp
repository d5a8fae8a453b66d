//===- router.cpp - moe.router --------------------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// models.md §2.4 and the #moe.router description. Every top-k here (groups
// and experts) is greedy in descending value with ties broken towards the
// LOWER index, so results are deterministic; torch.topk leaves tie order
// unspecified.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace ds::cpu {

using namespace detail;

namespace {

constexpr float NegInf = -std::numeric_limits<float>::infinity();

// Indices of the `k` largest values, in descending order of value; equal
// values keep increasing index order (stable). NaN sorts last.
std::vector<int64_t> topK(const std::vector<float> &values, int64_t k) {
  std::vector<int64_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    float va = values[static_cast<size_t>(a)];
    float vb = values[static_cast<size_t>(b)];
    if (std::isnan(vb))
      return !std::isnan(va);
    return va > vb;
  });
  order.resize(static_cast<size_t>(k));
  return order;
}

// The attribute rules are RouterConfig::validate()'s; the runtime words the
// expert-count ones as it always has. A noaux_tc router needs its bias.
Status checkConfig(const char *op, const RouterConfig &c, int64_t e,
                   bool hasBias) {
  RouterConfig::Rule rule;
  if (Status s = c.validate(e, &rule); !s.ok()) {
    switch (rule) {
    case RouterConfig::Rule::TopK:
    case RouterConfig::Rule::TopKExperts:
      return Status::error(
          cat(op, ": top_k must be in [1, ", e, "], got ", c.topK));
    case RouterConfig::Rule::NGroupDivides:
      return Status::error(cat(op, ": n_group ", c.nGroup,
                               " must be >= 1 and divide the ", e, " experts"));
    default:
      return s.withContext(op);
    }
  }
  if (c.selection == Selection::NoauxTc && !hasBias)
    return operandError(op, "correction_bias",
                        "is required by noaux_tc selection");
  return Status::success();
}

} // namespace

Expected<RouterResult> router(const Tensor &x, const Tensor &gate,
                              const Tensor *correctionBias,
                              const RouterConfig &config, DType weightsOut) {
  const char *op = "moe.router";
  if (Status s = checkOutType(op, weightsOut); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x, 2); !s.ok())
    return s;
  if (Status s = checkFloat(op, "gate", gate, 2); !s.ok())
    return s;
  int64_t t = x.dim(0), h = x.dim(1), e = gate.dim(0);
  if (gate.dim(1) != h)
    return operandError(op, "gate",
                        cat("must have shape [E, ", h, "] for input ",
                            x.typeString(), ", got ", gate.typeString()));
  if (correctionBias) {
    if (Status s = checkFloat(op, "correction_bias", *correctionBias, 1);
        !s.ok())
      return s;
    if (correctionBias->dim(0) != e)
      return operandError(
          op, "correction_bias",
          cat("must have shape [", e, "], got ", correctionBias->typeString()));
  }
  if (Status s = checkConfig(op, config, e, correctionBias != nullptr); !s.ok())
    return s;

  int64_t k = config.topK;
  std::vector<float> logits(static_cast<size_t>(t * e));
  gemm(x.f().data(), t, h, gate.f().data(), e, nullptr, DType::F32,
       logits.data());
  std::vector<float> weights(static_cast<size_t>(t * k));
  std::vector<int64_t> indices(static_cast<size_t>(t * k));
  std::vector<float> scores(static_cast<size_t>(e)), choice(scores);
  for (int64_t ti = 0; ti < t; ++ti) {
    const float *l = logits.data() + ti * e;
    if (config.scoring == Scoring::Softmax) {
      float maxLogit = *std::max_element(l, l + e);
      float sum = 0.0f;
      for (int64_t i = 0; i < e; ++i) {
        scores[static_cast<size_t>(i)] = std::exp(l[i] - maxLogit);
        sum += scores[static_cast<size_t>(i)];
      }
      for (float &sc : scores)
        sc /= sum;
    } else {
      for (int64_t i = 0; i < e; ++i)
        scores[static_cast<size_t>(i)] = 1.0f / (1.0f + std::exp(-l[i]));
    }
    // Selection scores: biased when a correction bias is given.
    for (int64_t i = 0; i < e; ++i)
      choice[static_cast<size_t>(i)] =
          scores[static_cast<size_t>(i)] +
          (correctionBias ? correctionBias->f()[static_cast<size_t>(i)] : 0.0f);
    if (config.selection != Selection::Greedy) {
      int64_t groups = config.nGroup, perGroup = e / groups;
      std::vector<float> groupScore(static_cast<size_t>(groups));
      for (int64_t gi = 0; gi < groups; ++gi) {
        std::vector<float> member(choice.begin() + gi * perGroup,
                                  choice.begin() + (gi + 1) * perGroup);
        std::vector<int64_t> best =
            topK(member, config.selection == Selection::NoauxTc ? 2 : 1);
        float gs = 0.0f;
        for (int64_t b : best)
          gs += member[static_cast<size_t>(b)];
        groupScore[static_cast<size_t>(gi)] = gs;
      }
      std::vector<int64_t> kept = topK(groupScore, config.topkGroup);
      std::vector<char> keep(static_cast<size_t>(groups), 0);
      for (int64_t gi : kept)
        keep[static_cast<size_t>(gi)] = 1;
      float fill = config.groupFill == GroupFill::NegInf ? NegInf : 0.0f;
      for (int64_t i = 0; i < e; ++i)
        if (!keep[static_cast<size_t>(i / perGroup)])
          choice[static_cast<size_t>(i)] = fill;
    }
    std::vector<int64_t> picked = topK(choice, k);
    float sum = 0.0f;
    for (int64_t j = 0; j < k; ++j)
      sum += scores[static_cast<size_t>(picked[static_cast<size_t>(j)])];
    for (int64_t j = 0; j < k; ++j) {
      int64_t ex = picked[static_cast<size_t>(j)];
      float w = scores[static_cast<size_t>(ex)];
      if (config.normTopkProb)
        w /= sum + 1e-20f;
      w *= static_cast<float>(config.routedScalingFactor);
      weights[static_cast<size_t>(ti * k + j)] = roundTo(weightsOut, w);
      indices[static_cast<size_t>(ti * k + j)] = ex;
    }
  }
  RouterResult result;
  result.weights = Tensor::floats(weightsOut, {t, k}, std::move(weights));
  result.indices = Tensor::ints(DType::I32, {t, k}, std::move(indices));
  return result;
}

} // namespace ds::cpu
