//===- MoePruneExperts.cpp - drop the experts a profile rarely selects ----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Each moe.router (in program order: layer i of the routing profile) keeps
// its most selected experts. Every [E, ...] weight of the router and of the
// MoE block it feeds (gate rows, correction bias, stacked expert weights and
// scales, through leading-dim-preserving extract_slices of a fused gate_up)
// is narrowed to the kept experts, which are renumbered 0 .. E'-1 in their
// order; the parameters read only the kept experts' slices (`slices` of
// moe.parameter), so the pruned ones are never loaded. The block is either
// the moe.experts ops the router feeds, or its dispatched form
// (moe-dispatch-experts): the moe.dispatch of its indices, whose E + 1
// expert offsets narrow too, the moe.grouped_matmul ops over those offsets,
// and the moe.combine of its weights.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoePassRecord.h"
#include "ds/routing_profile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ds {
#define GEN_PASS_DEF_MOEPRUNEEXPERTS
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

/// The experts router `layer` keeps: per group of its `G = n_group`, the
/// ceil(keep · E / G) most selected of the group (ties to the lower index),
/// in increasing order.
llvm::SmallVector<int64_t> keptExperts(const ds::RoutingLayer &layer,
                                       int64_t groups, double keep) {
  int64_t perGroup = layer.experts / groups;
  auto kept = static_cast<int64_t>(std::ceil(keep * perGroup - 1e-9));
  kept = std::clamp<int64_t>(kept, 1, perGroup);
  llvm::SmallVector<int64_t> result;
  for (int64_t g = 0; g < groups; ++g) {
    llvm::SmallVector<int64_t> order(perGroup);
    std::iota(order.begin(), order.end(), g * perGroup);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return layer.counts[a] > layer.counts[b];
    });
    order.resize(kept);
    llvm::sort(order);
    result.append(order);
  }
  return result;
}

/// What narrowing one router touches.
struct Narrowing {
  llvm::SetVector<Operation *> ops; ///< loads and extract_slices, defs first
  llvm::SetVector<ParameterOp> params;
  llvm::SmallVector<DispatchOp> dispatches; ///< their offsets: [E + 1]
};

struct MoePruneExpertsPass
    : ds::impl::MoePruneExpertsBase<MoePruneExpertsPass> {
  using MoePruneExpertsBase::MoePruneExpertsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!(keep > 0.0 && keep <= 1.0)) {
      fail(module, "keep") << "the fraction of experts kept must be in (0, 1]";
      return;
    }
    if (profile.empty()) {
      fail(module, "profile") << "a routing profile (ds-interp or ds-run "
                                 "--profile-routing) is required";
      return;
    }
    ds::Expected<ds::RoutingProfile> parsed = ds::RoutingProfile::read(profile);
    if (!parsed) {
      fail(module, "profile") << parsed.message();
      return;
    }
    llvm::SmallVector<RouterOp> routers;
    for (auto func : module.getOps<func::FuncOp>())
      func.walk([&](RouterOp op) { routers.push_back(op); });
    if (parsed->layers.size() != routers.size()) {
      fail(module, "profile")
          << "the profile has " << parsed->layers.size()
          << " layers, the module " << routers.size() << " moe.router ops";
      return;
    }
    for (auto [router, layer] : llvm::zip(routers, parsed->layers))
      if (failed(checkLayer(router, layer)))
        return;
    int64_t pruned = 0;
    if (keep != 1.0)
      for (auto [router, layer] : llvm::zip(routers, parsed->layers))
        if (failed(prune(module, router, layer, pruned)))
          return;
    ds::moe::recordPass(module, getArgument(),
                        {{"layers", static_cast<int64_t>(routers.size())},
                         {"experts-pruned", pruned}});
  }

  /// Starts the located error of a bad value of option `name`.
  InFlightDiagnostic fail(Operation *at, llvm::StringRef name) {
    signalPassFailure();
    InFlightDiagnostic d = at->emitError()
                           << "'moe-prune-experts' option '" << name << "' = '";
    if (name == "keep") {
      std::string text;
      llvm::raw_string_ostream(text)
          << llvm::format("%g", static_cast<double>(keep));
      d << text;
    } else
      d << profile;
    return std::move(d << "': ");
  }

  LogicalResult checkLayer(RouterOp router, const ds::RoutingLayer &layer) {
    auto gate = cast<RankedTensorType>(router.getGate().getType());
    int64_t experts = gate.getDimSize(0), topK = router.getConfig().getTopK();
    if (layer.experts == experts && layer.topK == topK)
      return success();
    fail(router, "profile")
        << "layers[" << layer.index << "] has " << layer.experts
        << " experts, top-" << layer.topK << "; this router (layer "
        << layer.index << ") has " << experts << ", top-" << topK;
    return failure();
  }

  /// Prunes the experts of `router` below the threshold, adding their count
  /// to `pruned`.
  LogicalResult prune(ModuleOp module, RouterOp router,
                      const ds::RoutingLayer &layer, int64_t &pruned) {
    RouterAttr config = router.getConfig();
    int64_t experts = layer.experts, groups = config.getNGroup();
    llvm::SmallVector<int64_t> kept = keptExperts(layer, groups, keep);
    if (static_cast<int64_t>(kept.size()) == experts)
      return success();
    auto keptCount = static_cast<int64_t>(kept.size());
    if (ds::Status s = toRouter(config).validate(keptCount); !s.ok()) {
      fail(router, "keep") << "keeps " << keptCount << " of " << experts
                           << " experts, which the router cannot select from: "
                           << s.message();
      return failure();
    }
    Narrowing n;
    llvm::SmallVector<Value> weights{router.getGate()};
    if (Value bias = router.getCorrectionBias())
      weights.push_back(bias);
    llvm::SmallPtrSet<Operation *, 8> consumers{router};
    Value routeWeights = router->getResult(0), indices = router->getResult(1);
    for (Value result : router->getResults())
      for (Operation *user : result.getUsers()) {
        if (auto e = dyn_cast<ExpertsOp>(user); e && e.getInput() != result) {
          consumers.insert(e);
          weights.append({e.getGate(), e.getUp(), e.getDown()});
          llvm::append_range(weights, e.getScales());
          continue;
        }
        // The dispatched form: the indices group the tokens, the weights
        // scale the expert outputs back.
        if (auto d = dyn_cast<DispatchOp>(user);
            d && result == indices && d.getIndices() == indices) {
          if (failed(dispatched(router, d, weights, consumers)))
            return failure();
          n.dispatches.push_back(d);
          continue;
        }
        if (auto c = dyn_cast<CombineOp>(user);
            c && result == routeWeights && c.getWeights() == routeWeights &&
            c.getInput() != result && c.getPerm() != result) {
          consumers.insert(c);
          continue;
        }
        return cannot(router, user, "uses its weights or indices");
      }
    for (Value w : weights)
      if (failed(trace(module, router, w, experts, n)))
        return failure();
    // Everything that reads a narrowed value must be part of this router's
    // MoE block.
    for (Operation *op : n.ops)
      for (Operation *user : op->getResult(0).getUsers())
        if (!consumers.contains(user) && !n.ops.contains(user))
          return cannot(router, user, "reads an expert weight");
    WalkResult other = module.walk([&](LoadOp load) {
      auto param = module.lookupSymbol<ParameterOp>(load.getParameterAttr());
      if (param && n.params.contains(param) && !n.ops.contains(load))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (other.wasInterrupted()) {
      signalPassFailure();
      return router.emitError()
             << "'moe-prune-experts' cannot prune this router: one of its "
                "expert parameters is also loaded elsewhere";
    }
    apply(n, kept);
    for (DispatchOp d : n.dispatches) {
      auto offsets = cast<RankedTensorType>(d.getOffsets().getType());
      d.getOffsets().setType(RankedTensorType::get(
          {keptCount + 1}, offsets.getElementType(), offsets.getEncoding()));
    }
    pruned += experts - keptCount;
    return success();
  }

  /// The grouped matmuls over the expert offsets of `d` (the router's
  /// dispatch): their weights and scales are [E, ...] and narrow; nothing
  /// else may read the offsets.
  LogicalResult dispatched(RouterOp router, DispatchOp d,
                           llvm::SmallVectorImpl<Value> &weights,
                           llvm::SmallPtrSetImpl<Operation *> &consumers) {
    consumers.insert(d);
    for (Operation *user : d.getOffsets().getUsers()) {
      auto gm = dyn_cast<GroupedMatmulOp>(user);
      if (!gm || gm.getOffsets() != d.getOffsets() ||
          gm.getInput() == d.getOffsets())
        return cannot(router, user, "reads its dispatch's expert offsets");
      consumers.insert(gm);
      weights.push_back(gm.getWeight());
      if (Value scales = gm.getScales())
        weights.push_back(scales);
    }
    return success();
  }

  LogicalResult cannot(RouterOp router, Operation *user, llvm::StringRef what) {
    signalPassFailure();
    return router.emitError()
           << "'moe-prune-experts' cannot prune this router: '"
           << user->getName() << "' " << what
           << " (only moe.experts, or moe.dispatch, moe.grouped_matmul and "
              "moe.combine, may)";
  }

  /// Follows the [E, ...] weight `v` to its moe.load through extract_slices
  /// that keep all of dim 0, recording them, the load and its parameter.
  LogicalResult trace(ModuleOp module, RouterOp router, Value v,
                      int64_t experts, Narrowing &n) {
    llvm::SmallVector<Operation *> chain;
    while (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>()) {
      if (slice.getStaticOffsets()[0] != 0 ||
          slice.getStaticSizes()[0] != experts ||
          slice.getStaticStrides()[0] != 1 ||
          slice.getSourceType().getDimSize(0) != experts ||
          slice.getResultType().getRank() != slice.getSourceType().getRank())
        return cannot(router, slice, "slices the experts' dim");
      chain.push_back(slice);
      v = slice.getSource();
    }
    auto load = v.getDefiningOp<LoadOp>();
    if (!load) {
      signalPassFailure();
      return router.emitError()
             << "'moe-prune-experts' cannot prune this router: an expert "
                "weight is not a moe.load of a parameter";
    }
    auto param = module.lookupSymbol<ParameterOp>(load.getParameterAttr());
    if (!param || !param.getKey() ||
        param.getTensorType().getDimSize(0) != experts) {
      signalPassFailure();
      return load.emitError()
             << "'moe-prune-experts' cannot narrow " << load.getParameterAttr()
             << ": not a keyed parameter of " << experts << " experts";
    }
    n.params.insert(param);
    n.ops.insert(load);
    for (Operation *op : llvm::reverse(chain))
      n.ops.insert(op);
    return success();
  }

  /// Narrows dim 0 of every parameter, load and slice of `n` to `kept`.
  void apply(Narrowing &n, llvm::ArrayRef<int64_t> kept) {
    auto narrowed = [&](RankedTensorType t) {
      llvm::SmallVector<int64_t> shape(t.getShape());
      shape[0] = static_cast<int64_t>(kept.size());
      return RankedTensorType::get(shape, t.getElementType(), t.getEncoding());
    };
    for (ParameterOp param : n.params) {
      llvm::SmallVector<int64_t> slices;
      std::optional<llvm::ArrayRef<int64_t>> old = param.getSlices();
      for (int64_t e : kept)
        slices.push_back(old ? (*old)[e] : e);
      param.setType(narrowed(param.getTensorType()));
      param.setSlices(slices);
    }
    for (Operation *op : n.ops) {
      Value result = op->getResult(0);
      result.setType(narrowed(cast<RankedTensorType>(result.getType())));
      if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
        llvm::SmallVector<int64_t> sizes(slice.getStaticSizes());
        sizes[0] = static_cast<int64_t>(kept.size());
        slice.setStaticSizes(sizes);
      }
    }
  }
};

} // namespace
