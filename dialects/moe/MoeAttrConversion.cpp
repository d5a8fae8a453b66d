//===- MoeAttrConversion.cpp - #moe.* attributes <-> op_attrs.h -----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeAttrConversion.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace ds::moe;
using llvm::APFloat;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

ds::QuantScheme ds::moe::fromMoe(QuantScheme scheme) {
  switch (scheme) {
  case QuantScheme::fp8_e4m3:
    return ds::QuantScheme::FP8E4M3;
  case QuantScheme::int8:
    return ds::QuantScheme::Int8;
  case QuantScheme::int4:
    return ds::QuantScheme::Int4;
  }
  llvm_unreachable("unknown quant scheme");
}

QuantScheme ds::moe::toMoe(ds::QuantScheme scheme) {
  switch (scheme) {
  case ds::QuantScheme::FP8E4M3:
    return QuantScheme::fp8_e4m3;
  case ds::QuantScheme::Int8:
    return QuantScheme::int8;
  case ds::QuantScheme::Int4:
    return QuantScheme::int4;
  }
  llvm_unreachable("unknown quant scheme");
}

ds::RopeStyle ds::moe::fromMoe(RopeStyle style) {
  return style == RopeStyle::interleaved ? ds::RopeStyle::Interleaved
                                         : ds::RopeStyle::HalfSplit;
}

RopeStyle ds::moe::toMoe(ds::RopeStyle style) {
  return style == ds::RopeStyle::Interleaved ? RopeStyle::interleaved
                                             : RopeStyle::half_split;
}

ds::WindowKind ds::moe::fromMoe(WindowKind kind) {
  switch (kind) {
  case WindowKind::global:
    return ds::WindowKind::Global;
  case WindowKind::sliding:
    return ds::WindowKind::Sliding;
  case WindowKind::chunked:
    return ds::WindowKind::Chunked;
  case WindowKind::local_global:
    return ds::WindowKind::LocalGlobal;
  case WindowKind::adaptive:
    return ds::WindowKind::Adaptive;
  }
  llvm_unreachable("unknown window kind");
}

WindowKind ds::moe::toMoe(ds::WindowKind kind) {
  switch (kind) {
  case ds::WindowKind::Global:
    return WindowKind::global;
  case ds::WindowKind::Sliding:
    return WindowKind::sliding;
  case ds::WindowKind::Chunked:
    return WindowKind::chunked;
  case ds::WindowKind::LocalGlobal:
    return WindowKind::local_global;
  case ds::WindowKind::Adaptive:
    return WindowKind::adaptive;
  }
  llvm_unreachable("unknown window kind");
}

ds::Scoring ds::moe::fromMoe(Scoring scoring) {
  return scoring == Scoring::sigmoid ? ds::Scoring::Sigmoid
                                     : ds::Scoring::Softmax;
}

Scoring ds::moe::toMoe(ds::Scoring scoring) {
  return scoring == ds::Scoring::Sigmoid ? Scoring::sigmoid : Scoring::softmax;
}

ds::Selection ds::moe::fromMoe(Selection selection) {
  switch (selection) {
  case Selection::greedy:
    return ds::Selection::Greedy;
  case Selection::group_limited:
    return ds::Selection::GroupLimited;
  case Selection::noaux_tc:
    return ds::Selection::NoauxTc;
  }
  llvm_unreachable("unknown selection");
}

Selection ds::moe::toMoe(ds::Selection selection) {
  switch (selection) {
  case ds::Selection::Greedy:
    return Selection::greedy;
  case ds::Selection::GroupLimited:
    return Selection::group_limited;
  case ds::Selection::NoauxTc:
    return Selection::noaux_tc;
  }
  llvm_unreachable("unknown selection");
}

ds::GroupFill ds::moe::fromMoe(GroupFill fill) {
  return fill == GroupFill::zero ? ds::GroupFill::Zero : ds::GroupFill::NegInf;
}

GroupFill ds::moe::toMoe(ds::GroupFill fill) {
  return fill == ds::GroupFill::Zero ? GroupFill::zero : GroupFill::neg_inf;
}

//===----------------------------------------------------------------------===//
// Attributes -> structs
//===----------------------------------------------------------------------===//

ds::Quant ds::moe::toQuant(QuantScheme scheme, ArrayRef<int64_t> block) {
  assert(block.size() == 2 && "quant block must have two entries");
  ds::Quant quant;
  quant.scheme = fromMoe(scheme);
  quant.blockRows = block[0];
  quant.blockCols = block[1];
  return quant;
}

ds::Quant ds::moe::toQuant(QuantAttr attr) {
  return toQuant(attr.getScheme(), attr.getBlock());
}

std::optional<ds::Quant> ds::moe::toQuant(std::optional<QuantAttr> attr) {
  if (!attr || !*attr)
    return std::nullopt;
  return toQuant(*attr);
}

ds::Yarn ds::moe::toYarn(const APFloat &factor,
                         int64_t originalMaxPositionEmbeddings,
                         const APFloat &betaFast, const APFloat &betaSlow,
                         const APFloat &mscale, const APFloat &mscaleAllDim,
                         const APFloat &attentionFactor, bool truncate) {
  ds::Yarn yarn;
  yarn.factor = factor.convertToDouble();
  yarn.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings;
  yarn.betaFast = betaFast.convertToDouble();
  yarn.betaSlow = betaSlow.convertToDouble();
  yarn.mscale = mscale.convertToDouble();
  yarn.mscaleAllDim = mscaleAllDim.convertToDouble();
  yarn.attentionFactor = attentionFactor.convertToDouble();
  yarn.truncate = truncate;
  return yarn;
}

ds::Yarn ds::moe::toYarn(YarnAttr attr) {
  return toYarn(attr.getFactor(), attr.getOriginalMaxPositionEmbeddings(),
                attr.getBetaFast(), attr.getBetaSlow(), attr.getMscale(),
                attr.getMscaleAllDim(), attr.getAttentionFactor(),
                attr.getTruncate());
}

std::optional<ds::Yarn> ds::moe::toYarn(std::optional<YarnAttr> attr) {
  if (!attr || !*attr)
    return std::nullopt;
  return toYarn(*attr);
}

ds::Window ds::moe::toWindow(WindowKind kind, int64_t size, int64_t sinks,
                             int64_t threshold) {
  ds::Window window;
  window.kind = fromMoe(kind);
  window.size = size;
  window.sinks = sinks;
  window.threshold = threshold;
  return window;
}

ds::Window ds::moe::toWindow(WindowAttr attr) {
  return toWindow(attr.getKind(), attr.getSize(), attr.getSinks(),
                  attr.getThreshold());
}

ds::RouterConfig ds::moe::toRouter(Scoring scoring, Selection selection,
                                   int64_t topK, int64_t nGroup,
                                   int64_t topkGroup, bool normTopkProb,
                                   const APFloat &routedScalingFactor,
                                   GroupFill groupFill) {
  ds::RouterConfig router;
  router.scoring = fromMoe(scoring);
  router.selection = fromMoe(selection);
  router.topK = topK;
  router.nGroup = nGroup;
  router.topkGroup = topkGroup;
  router.normTopkProb = normTopkProb;
  router.routedScalingFactor = routedScalingFactor.convertToDouble();
  router.groupFill = fromMoe(groupFill);
  return router;
}

ds::RouterConfig ds::moe::toRouter(RouterAttr attr) {
  return toRouter(attr.getScoring(), attr.getSelection(), attr.getTopK(),
                  attr.getNGroup(), attr.getTopkGroup(), attr.getNormTopkProb(),
                  attr.getRoutedScalingFactor(), attr.getGroupFill());
}

//===----------------------------------------------------------------------===//
// Structs -> attributes
//===----------------------------------------------------------------------===//

QuantAttr ds::moe::getQuantAttr(MLIRContext *ctx, const ds::Quant &quant) {
  return QuantAttr::get(ctx, toMoe(quant.scheme),
                        {quant.blockRows, quant.blockCols});
}

YarnAttr ds::moe::getYarnAttr(MLIRContext *ctx, const ds::Yarn &yarn) {
  return YarnAttr::get(
      ctx, APFloat(yarn.factor), yarn.originalMaxPositionEmbeddings,
      APFloat(yarn.betaFast), APFloat(yarn.betaSlow), APFloat(yarn.mscale),
      APFloat(yarn.mscaleAllDim), APFloat(yarn.attentionFactor), yarn.truncate);
}

WindowAttr ds::moe::getWindowAttr(MLIRContext *ctx, const ds::Window &window) {
  return WindowAttr::get(ctx, toMoe(window.kind), window.size, window.sinks,
                         window.threshold);
}

RouterAttr ds::moe::getRouterAttr(MLIRContext *ctx,
                                  const ds::RouterConfig &router) {
  return RouterAttr::get(
      ctx, toMoe(router.scoring), toMoe(router.selection), router.topK,
      router.nGroup, router.topkGroup, router.normTopkProb,
      APFloat(router.routedScalingFactor), toMoe(router.groupFill));
}

RopeStyleAttr ds::moe::getRopeStyleAttr(MLIRContext *ctx, ds::RopeStyle style) {
  return RopeStyleAttr::get(ctx, toMoe(style));
}
