//===- MoeAttentionBlockSparsity.cpp - skip fully masked KV tiles ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Marks every windowed moe.attention `block_sparse`: the lowering carries the
// flag to kernel.attention, the module writer to the launch's attributes and
// the kernel emitter to a template flag of attentionKernel, which then walks
// only the KV tiles holding a key some query of the CTA sees. Without the
// flag the kernel walks every tile up to the causal end and masks the window
// per element. The numbers are the same (a fully masked tile adds exactly
// zero), so this is a schedule, not a model change.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoePassRecord.h"

namespace ds {
#define GEN_PASS_DEF_MOEATTENTIONBLOCKSPARSITY
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

struct MoeAttentionBlockSparsityPass
    : ds::impl::MoeAttentionBlockSparsityBase<MoeAttentionBlockSparsityPass> {
  using MoeAttentionBlockSparsityBase::MoeAttentionBlockSparsityBase;

  void runOnOperation() override {
    int64_t marked = 0;
    getOperation()->walk([&](AttentionOp op) {
      // Global attention visits the causal tiles in both schedules: there
      // is nothing to skip. An adaptive window skips in its sliding regime
      // (the kernel of each variant gets the resolved window).
      if (op.getWindow().getKind() != WindowKind::global) {
        op.setBlockSparse(true);
        ++marked;
      }
    });
    ds::moe::recordPass(getOperation(), getArgument(),
                        {{"windowed-layers-marked", marked}});
  }
};

} // namespace
