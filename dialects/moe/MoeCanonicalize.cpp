//===- MoeCanonicalize.cpp - canonicalization patterns of moe ops ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace ds::moe;

namespace {

/// `moe.linear` with a bias that is a constant splat of zero: drop the bias
/// (HF checkpoints of some families carry all-zero biases).
struct DropZeroLinearBias : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    Value bias = op.getBias();
    if (!bias || !matchPattern(bias, m_AnyZeroFloat()))
      return rewriter.notifyMatchFailure(op, "no constant zero bias");
    rewriter.modifyOpInPlace(op, [&] { op.getBiasMutable().clear(); });
    return success();
  }
};

/// `moe.rope` whose YaRN scaling is the identity (factor 1 and no explicit
/// attention factor other than 1): drop the scaling attribute.
struct DropIdentityYarn : OpRewritePattern<RopeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RopeOp op,
                                PatternRewriter &rewriter) const override {
    YarnAttr yarn = op.getScalingAttr();
    if (!yarn || !yarn.getFactor().isExactlyValue(1.0) ||
        toYarn(yarn).effectiveAttentionFactor() != 1.0)
      return rewriter.notifyMatchFailure(op, "no identity yarn scaling");
    rewriter.modifyOpInPlace(op, [&] { op.removeScalingAttr(); });
    return success();
  }
};

} // namespace

void LinearOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<DropZeroLinearBias>(context);
}

void RopeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<DropIdentityYarn>(context);
}
