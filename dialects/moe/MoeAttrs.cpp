//===- MoeAttrs.cpp - moe dialect attributes ------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeAttrs.h"
#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeStorageTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

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
// G>`, `<adaptive W, threshold L>`, `<adaptive W, threshold L, sinks G>`.
Attribute WindowAttr::parse(AsmParser &parser, Type) {
  StringRef keyword;
  SMLoc kindLoc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<WindowKind> kind = symbolizeWindowKind(keyword);
  if (!kind) {
    parser.emitError(kindLoc, "unknown window kind '")
        << keyword
        << "' (expected global, sliding, chunked, local_global or adaptive)";
    return {};
  }
  int64_t size = 0, sinks = 0, threshold = 0;
  if (*kind != WindowKind::global && parser.parseInteger(size))
    return {};
  if (*kind == WindowKind::adaptive &&
      (parser.parseComma() || parser.parseKeyword("threshold") ||
       parser.parseInteger(threshold)))
    return {};
  if (*kind == WindowKind::local_global &&
      (parser.parseComma() || parser.parseKeyword("sinks") ||
       parser.parseInteger(sinks)))
    return {};
  if (*kind == WindowKind::adaptive && succeeded(parser.parseOptionalComma()) &&
      (parser.parseKeyword("sinks") || parser.parseInteger(sinks)))
    return {};
  if (parser.parseGreater())
    return {};
  return parser.getChecked<WindowAttr>(parser.getContext(), *kind, size, sinks,
                                       threshold);
}

void WindowAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyWindowKind(getKind());
  if (getKind() != WindowKind::global)
    printer << " " << getSize();
  if (getKind() == WindowKind::adaptive)
    printer << ", threshold " << getThreshold();
  if (getKind() == WindowKind::local_global ||
      (getKind() == WindowKind::adaptive && getSinks() != 0))
    printer << ", sinks " << getSinks();
  printer << ">";
}

// The rules of each attribute are its ds/op_attrs.h struct's validate().
static LogicalResult check(function_ref<InFlightDiagnostic()> emitError,
                           const ds::Status &status) {
  if (status.ok())
    return success();
  return emitError() << status.message();
}

LogicalResult WindowAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 WindowKind kind, int64_t size, int64_t sinks,
                                 int64_t threshold) {
  return check(emitError, toWindow(kind, size, sinks, threshold).validate());
}

//===----------------------------------------------------------------------===//
// YarnAttr
//===----------------------------------------------------------------------===//

LogicalResult YarnAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               APFloat factor,
                               int64_t originalMaxPositionEmbeddings,
                               APFloat betaFast, APFloat betaSlow,
                               APFloat mscale, APFloat mscaleAllDim,
                               APFloat attentionFactor, bool truncate) {
  return check(emitError,
               toYarn(factor, originalMaxPositionEmbeddings, betaFast, betaSlow,
                      mscale, mscaleAllDim, attentionFactor, truncate)
                   .validate());
}

//===----------------------------------------------------------------------===//
// RouterAttr
//===----------------------------------------------------------------------===//

LogicalResult RouterAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Scoring scoring, Selection selection,
                                 int64_t topK, int64_t nGroup,
                                 int64_t topkGroup, bool normTopkProb,
                                 APFloat routedScalingFactor,
                                 GroupFill groupFill) {
  return check(emitError, toRouter(scoring, selection, topK, nGroup, topkGroup,
                                   normTopkProb, routedScalingFactor, groupFill)
                              .validate());
}

//===----------------------------------------------------------------------===//
// QuantAttr
//===----------------------------------------------------------------------===//

LogicalResult QuantAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                QuantScheme scheme, ArrayRef<int64_t> block) {
  if (block.size() != 2)
    return emitError() << "quant 'block' must have 2 entries [rows, cols], "
                       << "got " << block.size();
  return check(emitError, toQuant(scheme, block).validate());
}

Type QuantAttr::getStorageType(MLIRContext *ctx) const {
  return elementTypeOf(ctx, quantStorageDType(fromMoe(getScheme())));
}
