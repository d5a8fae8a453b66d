//===- MoeAttrConversion.h - #moe.* attributes <-> op_attrs.h ---*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The one place that converts between the `moe` dialect's attributes and the
// backend-neutral attribute structs of ds/op_attrs.h (design.md §3). The
// attribute verifiers, the importer and the interpreter all go through here,
// so a parameter added to an attribute has exactly one conversion to update.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEATTRCONVERSION_H
#define DS_DIALECTS_MOE_MOEATTRCONVERSION_H

#include "dialects/moe/MoeAttrs.h"

#include "ds/op_attrs.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/ArrayRef.h"

namespace ds::moe {

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

ds::QuantScheme fromMoe(QuantScheme scheme);
QuantScheme toMoe(ds::QuantScheme scheme);
ds::RopeStyle fromMoe(RopeStyle style);
RopeStyle toMoe(ds::RopeStyle style);
ds::WindowKind fromMoe(WindowKind kind);
WindowKind toMoe(ds::WindowKind kind);
ds::Scoring fromMoe(Scoring scoring);
Scoring toMoe(ds::Scoring scoring);
ds::Selection fromMoe(Selection selection);
Selection toMoe(ds::Selection selection);
ds::GroupFill fromMoe(GroupFill fill);
GroupFill toMoe(ds::GroupFill fill);

//===----------------------------------------------------------------------===//
// Attributes -> structs
//===----------------------------------------------------------------------===//

/// `block` must have two entries (QuantAttr's verifier checks it).
ds::Quant toQuant(QuantScheme scheme, llvm::ArrayRef<int64_t> block);
ds::Quant toQuant(QuantAttr attr);
std::optional<ds::Quant> toQuant(std::optional<QuantAttr> attr);

ds::Yarn toYarn(const llvm::APFloat &factor,
                int64_t originalMaxPositionEmbeddings,
                const llvm::APFloat &betaFast, const llvm::APFloat &betaSlow,
                const llvm::APFloat &mscale, const llvm::APFloat &mscaleAllDim,
                const llvm::APFloat &attentionFactor, bool truncate);
ds::Yarn toYarn(YarnAttr attr);
std::optional<ds::Yarn> toYarn(std::optional<YarnAttr> attr);

ds::Window toWindow(WindowKind kind, int64_t size, int64_t sinks,
                    int64_t threshold);
ds::Window toWindow(WindowAttr attr);

ds::RouterConfig toRouter(Scoring scoring, Selection selection, int64_t topK,
                          int64_t nGroup, int64_t topkGroup, bool normTopkProb,
                          const llvm::APFloat &routedScalingFactor,
                          GroupFill groupFill);
ds::RouterConfig toRouter(RouterAttr attr);

//===----------------------------------------------------------------------===//
// Structs -> attributes (the importer's builders)
//===----------------------------------------------------------------------===//

QuantAttr getQuantAttr(mlir::MLIRContext *ctx, const ds::Quant &quant);
YarnAttr getYarnAttr(mlir::MLIRContext *ctx, const ds::Yarn &yarn);
WindowAttr getWindowAttr(mlir::MLIRContext *ctx, const ds::Window &window);
RouterAttr getRouterAttr(mlir::MLIRContext *ctx,
                         const ds::RouterConfig &router);
RopeStyleAttr getRopeStyleAttr(mlir::MLIRContext *ctx, ds::RopeStyle style);

} // namespace ds::moe

#endif // DS_DIALECTS_MOE_MOEATTRCONVERSION_H
