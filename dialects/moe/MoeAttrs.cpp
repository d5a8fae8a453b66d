//===- MoeAttrs.cpp - moe dialect attributes ------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeAttrs.h"
#include "dialects/moe/MoeDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace ds::moe;

#include "dialects/moe/MoeEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/moe/MoeAttrs.cpp.inc"

void MoeDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/moe/MoeAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// WindowAttr
//===----------------------------------------------------------------------===//

// Syntax: `<global>`, `<sliding W>`, `<chunked C>`, `<local_global W, sinks
// G>`.
Attribute WindowAttr::parse(AsmParser &parser, Type) {
  StringRef keyword;
  SMLoc kindLoc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<WindowKind> kind = symbolizeWindowKind(keyword);
  if (!kind) {
    parser.emitError(kindLoc, "unknown window kind '")
        << keyword << "' (expected global, sliding, chunked or local_global)";
    return {};
  }
  int64_t size = 0, sinks = 0;
  if (*kind != WindowKind::global && parser.parseInteger(size))
    return {};
  if (*kind == WindowKind::local_global &&
      (parser.parseComma() || parser.parseKeyword("sinks") ||
       parser.parseInteger(sinks)))
    return {};
  if (parser.parseGreater())
    return {};
  return parser.getChecked<WindowAttr>(parser.getContext(), *kind, size, sinks);
}

void WindowAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyWindowKind(getKind());
  if (getKind() != WindowKind::global)
    printer << " " << getSize();
  if (getKind() == WindowKind::local_global)
    printer << ", sinks " << getSinks();
  printer << ">";
}

LogicalResult WindowAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 WindowKind kind, int64_t size, int64_t sinks) {
  StringRef name = stringifyWindowKind(kind);
  if (kind == WindowKind::global) {
    if (size != 0 || sinks != 0)
      return emitError() << "a global window takes no size and no sinks";
    return success();
  }
  if (size < 1)
    return emitError() << "the size of a " << name
                       << " window must be >= 1, got " << size;
  if (kind == WindowKind::local_global) {
    if (sinks < 1)
      return emitError() << "a local_global window needs >= 1 sink tokens, "
                         << "got " << sinks;
  } else if (sinks != 0) {
    return emitError() << "only local_global windows take sink tokens";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// YarnAttr
//===----------------------------------------------------------------------===//

static bool isFiniteNonNegative(double v) { return std::isfinite(v) && v >= 0; }

LogicalResult YarnAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               APFloat factorAttr,
                               int64_t originalMaxPositionEmbeddings,
                               APFloat betaFastAttr, APFloat betaSlowAttr,
                               APFloat mscaleAttr, APFloat mscaleAllDimAttr,
                               APFloat attentionFactorAttr, bool truncate) {
  double factor = factorAttr.convertToDouble();
  double betaFast = betaFastAttr.convertToDouble();
  double betaSlow = betaSlowAttr.convertToDouble();
  double mscale = mscaleAttr.convertToDouble();
  double mscaleAllDim = mscaleAllDimAttr.convertToDouble();
  double attentionFactor = attentionFactorAttr.convertToDouble();
  if (!std::isfinite(factor) || factor < 1.0)
    return emitError() << "yarn 'factor' must be >= 1, got " << factor;
  if (originalMaxPositionEmbeddings < 1)
    return emitError() << "yarn 'original_max_position_embeddings' must be "
                       << ">= 1, got " << originalMaxPositionEmbeddings;
  if (!std::isfinite(betaSlow) || !std::isfinite(betaFast) || !(betaSlow > 0) ||
      !(betaFast > betaSlow))
    return emitError() << "yarn needs beta_fast > beta_slow > 0, got "
                       << "beta_fast = " << betaFast
                       << ", beta_slow = " << betaSlow;
  if (!isFiniteNonNegative(mscale) || !isFiniteNonNegative(mscaleAllDim))
    return emitError() << "yarn 'mscale' and 'mscale_all_dim' must be >= 0 "
                       << "(0: unset), got " << mscale << " and "
                       << mscaleAllDim;
  if (!isFiniteNonNegative(attentionFactor))
    return emitError() << "yarn 'attention_factor' must be >= 0 (0: derive), "
                       << "got " << attentionFactor;
  return success();
}

double YarnAttr::computeMscale(double scale, double m) {
  return scale <= 1.0 ? 1.0 : 0.1 * m * std::log(scale) + 1.0;
}

double YarnAttr::getEffectiveAttentionFactor() const {
  double explicitFactor = getAttentionFactor().convertToDouble();
  if (explicitFactor != 0.0)
    return explicitFactor;
  double factor = getFactor().convertToDouble();
  double mscale = getMscale().convertToDouble();
  double mscaleAllDim = getMscaleAllDim().convertToDouble();
  if (mscale != 0.0 && mscaleAllDim != 0.0)
    return computeMscale(factor, mscale) / computeMscale(factor, mscaleAllDim);
  return computeMscale(factor, 1.0);
}

//===----------------------------------------------------------------------===//
// RouterAttr
//===----------------------------------------------------------------------===//

LogicalResult RouterAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Scoring scoring, Selection selection,
                                 int64_t topK, int64_t nGroup,
                                 int64_t topkGroup, bool normTopkProb,
                                 APFloat routedScalingFactorAttr,
                                 GroupFill groupFill) {
  double routedScalingFactor = routedScalingFactorAttr.convertToDouble();
  if (topK < 1)
    return emitError() << "router 'top_k' must be >= 1, got " << topK;
  if (nGroup < 1)
    return emitError() << "router 'n_group' must be >= 1, got " << nGroup;
  if (topkGroup < 1 || topkGroup > nGroup)
    return emitError() << "router 'topk_group' must be in [1, n_group = "
                       << nGroup << "], got " << topkGroup;
  if (selection == Selection::greedy && (nGroup != 1 || topkGroup != 1))
    return emitError() << "greedy selection takes no expert groups, got "
                       << "n_group = " << nGroup
                       << ", topk_group = " << topkGroup;
  if (!std::isfinite(routedScalingFactor) || !(routedScalingFactor > 0))
    return emitError() << "router 'routed_scaling_factor' must be > 0, got "
                       << routedScalingFactor;
  return success();
}

//===----------------------------------------------------------------------===//
// QuantAttr
//===----------------------------------------------------------------------===//

LogicalResult QuantAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                QuantScheme scheme, ArrayRef<int64_t> block) {
  if (block.size() != 2)
    return emitError() << "quant 'block' must have 2 entries [rows, cols], "
                       << "got " << block.size();
  if (block[0] < 1 || block[1] < 1)
    return emitError() << "quant 'block' entries must be >= 1, got ["
                       << block[0] << ", " << block[1] << "]";
  return success();
}

Type QuantAttr::getStorageType(MLIRContext *ctx) const {
  switch (getScheme()) {
  case QuantScheme::fp8_e4m3:
    return Float8E4M3FNType::get(ctx);
  case QuantScheme::int8:
    return IntegerType::get(ctx, 8);
  case QuantScheme::int4:
    return IntegerType::get(ctx, 4);
  }
  llvm_unreachable("unknown quant scheme");
}
