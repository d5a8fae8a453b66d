//===- MoeFuseAddRmsNorm.cpp - residual add + rms_norm to add_rms_norm ----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoePassRecord.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"

namespace ds {
#define GEN_PASS_DEF_MOEFUSEADDRMSNORM
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

/// Where the fused op can go: at the norm when every other user of the sum
/// comes after it, else at the add when the weight is already defined there.
/// Null when neither holds (the chain is left alone).
Operation *insertionPoint(arith::AddFOp add, RMSNormOp norm,
                          DominanceInfo &dom) {
  bool normFirst = llvm::all_of(add->getUsers(), [&](Operation *user) {
    return user == norm || dom.properlyDominates(norm.getOperation(), user);
  });
  if (normFirst)
    return norm;
  if (dom.properlyDominates(norm.getWeight(), add))
    return add;
  return nullptr;
}

/// Folds `%s = arith.addf %a, %b` feeding `moe.rms_norm %s` into one
/// `moe.add_rms_norm %a, %b`. The reference rounds the sum to the activation
/// type and normalizes that rounded sum in both forms, so the fused op is the
/// same numbers; the add and the norm must therefore share one tensor type
/// (no cast between them, which would be a second rounding point).
LogicalResult fuse(RMSNormOp norm, DominanceInfo &dom, RewriterBase &rewriter) {
  auto add = norm.getInput().getDefiningOp<arith::AddFOp>();
  if (!add || add.getType() != norm.getInput().getType() ||
      add.getLhs().getType() != add.getType() ||
      add.getRhs().getType() != add.getType() || norm.getWeight() == add)
    return failure();
  Operation *at = insertionPoint(add, norm, dom);
  if (!at)
    return failure();
  rewriter.setInsertionPoint(at);
  // The norm's location: the launch that replaces it is reported there.
  auto fused = AddRMSNormOp::create(rewriter, norm.getLoc(), add.getType(),
                                    norm.getType(), add.getLhs(), add.getRhs(),
                                    norm.getWeight(), norm.getEpsAttr());
  rewriter.replaceOp(norm, fused.getResult());
  rewriter.replaceOp(add, fused.getSum());
  return success();
}

struct MoeFuseAddRmsNormPass
    : ds::impl::MoeFuseAddRmsNormBase<MoeFuseAddRmsNormPass> {
  void runOnOperation() override {
    SmallVector<RMSNormOp> norms;
    getOperation()->walk([&](RMSNormOp norm) { norms.push_back(norm); });
    DominanceInfo &dom = getAnalysis<DominanceInfo>();
    IRRewriter rewriter(&getContext());
    int64_t fused = 0;
    for (RMSNormOp norm : norms)
      fused += succeeded(fuse(norm, dom, rewriter));
    ds::moe::recordPass(getOperation(), getArgument(),
                        {{"chains-fused", fused}});
    if (fused == 0)
      markAllAnalysesPreserved();
  }
};

} // namespace
