//===- op_attrs.cpp - Rules of the moe op attribute sets ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/op_attrs.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace ds {

namespace {

/// A double as the `moe` dialect's diagnostics print it (LLVM's
/// `raw_ostream << double`): `%e`, "nan", "INF" / "-INF".
std::string num(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v < 0 ? "-INF" : "INF";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%e", v);
  return buf;
}

/// Records `rule` in `broken` (when given) and fails with `message`.
template <typename Rule>
Status fail(Rule *broken, Rule rule, const std::string &message) {
  if (broken)
    *broken = rule;
  return Status::error(message);
}

bool isFiniteNonNegative(double v) { return std::isfinite(v) && v >= 0; }

} // namespace

//===----------------------------------------------------------------------===//
// Quant
//===----------------------------------------------------------------------===//

const char *quantSchemeName(QuantScheme scheme) {
  switch (scheme) {
  case QuantScheme::FP8E4M3:
    return "fp8_e4m3";
  case QuantScheme::Int8:
    return "int8";
  case QuantScheme::Int4:
    return "int4";
  }
  return "unknown";
}

DType quantStorageDType(QuantScheme scheme) {
  switch (scheme) {
  case QuantScheme::FP8E4M3:
    return DType::F8E4M3;
  case QuantScheme::Int8:
    return DType::I8;
  case QuantScheme::Int4:
    return DType::I4;
  }
  return DType::F8E4M3;
}

Status Quant::validate(Rule *broken) const {
  if (blockRows < 1 || blockCols < 1)
    return fail(broken, Rule::BlockPositive,
                cat("quant 'block' entries must be >= 1, got [", blockRows,
                    ", ", blockCols, "]"));
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Yarn
//===----------------------------------------------------------------------===//

double Yarn::computeMscale(double scale, double m) {
  return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0;
}

double Yarn::effectiveAttentionFactor() const {
  if (attentionFactor != 0.0)
    return attentionFactor;
  if (mscale != 0.0 && mscaleAllDim != 0.0)
    return computeMscale(factor, mscale) / computeMscale(factor, mscaleAllDim);
  return computeMscale(factor, 1.0);
}

Status validateRopeTheta(double theta) {
  if (!std::isfinite(theta) || !(theta > 1.0))
    return Status::error("'theta' must be > 1, got " + num(theta));
  return Status::success();
}

Status Yarn::validate(Rule *broken) const {
  if (!std::isfinite(factor) || factor < 1.0)
    return fail(broken, Rule::Factor,
                "yarn 'factor' must be >= 1, got " + num(factor));
  if (originalMaxPositionEmbeddings < 1)
    return fail(broken, Rule::OriginalMaxPositionEmbeddings,
                cat("yarn 'original_max_position_embeddings' must be >= 1, "
                    "got ",
                    originalMaxPositionEmbeddings));
  if (!std::isfinite(betaSlow) || !std::isfinite(betaFast) || !(betaSlow > 0) ||
      !(betaFast > betaSlow))
    return fail(broken, Rule::Betas,
                "yarn needs beta_fast > beta_slow > 0, got beta_fast = " +
                    num(betaFast) + ", beta_slow = " + num(betaSlow));
  if (!isFiniteNonNegative(mscale) || !isFiniteNonNegative(mscaleAllDim))
    return fail(broken, Rule::Mscales,
                "yarn 'mscale' and 'mscale_all_dim' must be >= 0 (0: unset), "
                "got " +
                    num(mscale) + " and " + num(mscaleAllDim));
  if (!isFiniteNonNegative(attentionFactor))
    return fail(broken, Rule::AttentionFactor,
                "yarn 'attention_factor' must be >= 0 (0: derive), got " +
                    num(attentionFactor));
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Window
//===----------------------------------------------------------------------===//

const char *windowKindName(WindowKind kind) {
  switch (kind) {
  case WindowKind::Global:
    return "global";
  case WindowKind::Sliding:
    return "sliding";
  case WindowKind::Chunked:
    return "chunked";
  case WindowKind::LocalGlobal:
    return "local_global";
  case WindowKind::Adaptive:
    return "adaptive";
  }
  return "unknown";
}

Status Window::validate(Rule *broken) const {
  if (kind == WindowKind::Global) {
    if (size != 0 || sinks != 0 || threshold != 0)
      return fail(broken, Rule::GlobalTakesNothing,
                  cat("a global window takes no size, sinks or threshold, "
                      "got size ",
                      size, ", sinks ", sinks, ", threshold ", threshold));
    return Status::success();
  }
  if (size < 1)
    return fail(
        broken, Rule::Size,
        cat(kind == WindowKind::Adaptive ? "the size of an " : "the size of a ",
            windowKindName(kind), " window must be >= 1, got ", size));
  if (kind == WindowKind::Adaptive) {
    if (threshold < 1)
      return fail(broken, Rule::Threshold,
                  cat("the threshold of an adaptive window must be >= 1, got ",
                      threshold));
    if (sinks < 0)
      return fail(
          broken, Rule::Sinks,
          cat("an adaptive window needs >= 0 sink tokens, got ", sinks));
    return Status::success();
  }
  if (threshold != 0)
    return fail(broken, Rule::Threshold,
                cat("only adaptive windows take a threshold, got ", threshold,
                    " for a ", windowKindName(kind), " window"));
  if (kind == WindowKind::LocalGlobal) {
    if (sinks < 1)
      return fail(
          broken, Rule::Sinks,
          cat("a local_global window needs >= 1 sink tokens, got ", sinks));
  } else if (sinks != 0) {
    return fail(broken, Rule::Sinks,
                cat("only local_global and adaptive windows take sink tokens, "
                    "got ",
                    sinks, " for a ", windowKindName(kind), " window"));
  }
  return Status::success();
}

std::string describeWindow(const Window &window) {
  std::string out = windowKindName(window.kind);
  if (window.kind != WindowKind::Global)
    out += cat(" ", window.size);
  if (window.kind == WindowKind::Adaptive)
    out += cat(" threshold ", window.threshold);
  if (window.sinks != 0)
    out += cat(" sinks ", window.sinks);
  return out;
}

Window Window::resolve(int64_t keys) const {
  if (kind != WindowKind::Adaptive)
    return *this;
  if (keys <= threshold)
    return Window{};
  if (sinks > 0)
    return Window{WindowKind::LocalGlobal, size, sinks};
  return Window{WindowKind::Sliding, size};
}

//===----------------------------------------------------------------------===//
// RouterConfig
//===----------------------------------------------------------------------===//

Status RouterConfig::validate(std::optional<int64_t> numExperts,
                              Rule *broken) const {
  if (topK < 1)
    return fail(broken, Rule::TopK,
                cat("router 'top_k' must be >= 1, got ", topK));
  if (nGroup < 1)
    return fail(broken, Rule::NGroup,
                cat("router 'n_group' must be >= 1, got ", nGroup));
  if (topkGroup < 1 || topkGroup > nGroup)
    return fail(broken, Rule::TopkGroup,
                cat("router 'topk_group' must be in [1, n_group = ", nGroup,
                    "], got ", topkGroup));
  if (selection == Selection::Greedy && (nGroup != 1 || topkGroup != 1))
    return fail(broken, Rule::GreedyGroups,
                cat("greedy selection takes no expert groups, got n_group = ",
                    nGroup, ", topk_group = ", topkGroup));
  if (!std::isfinite(routedScalingFactor) || !(routedScalingFactor > 0))
    return fail(broken, Rule::RoutedScalingFactor,
                "router 'routed_scaling_factor' must be > 0, got " +
                    num(routedScalingFactor));
  if (!numExperts)
    return Status::success();

  int64_t experts = *numExperts;
  if (topK > experts)
    return fail(broken, Rule::TopKExperts,
                cat("top_k (", topK, ") exceeds the number of experts (",
                    experts, ")"));
  if (experts % nGroup != 0)
    return fail(broken, Rule::NGroupDivides,
                cat("the number of experts (", experts,
                    ") must be divisible by n_group (", nGroup, ")"));
  int64_t perGroup = experts / nGroup;
  if (selection != Selection::Greedy && topK > topkGroup * perGroup)
    return fail(broken, Rule::TopKKeptGroups,
                cat("top_k (", topK,
                    ") exceeds the experts of the kept groups (topk_group ",
                    topkGroup, " x ", perGroup, ")"));
  if (selection == Selection::NoauxTc && perGroup < 2)
    return fail(broken, Rule::NoauxGroupSize,
                cat("noaux_tc scores a group by its two best experts, so each "
                    "group needs >= 2 experts, got ",
                    perGroup));
  return Status::success();
}

} // namespace ds
