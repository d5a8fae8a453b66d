//===- MoeFuseQkv.cpp - projections of one input to one split GEMM --------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/LoadedParameter.h"
#include "passes/Passes.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoePassRecord.h"

#include "ds/module.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"

#include <numeric>

namespace ds {
#define GEN_PASS_DEF_MOEFUSEQKV
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

/// The plain parameter `v` loads (keyed, not stacked, not sliced, not
/// joined), else null.
ParameterOp plainParameter(Value v, SymbolTable &symbols) {
  ParameterOp param = ds::loadedKeyedParameter(v, symbols);
  if (!param || param.getSlices() || param.isStacked())
    return nullptr;
  return param;
}

/// Whether `op` can be a segment of a split linear: one projection (no
/// swiglu, no split) whose weight, scales and bias load plain parameters.
bool candidate(LinearOp op, SymbolTable &symbols) {
  if (op.getSwiglu() || op.getSplit() || op->getNumResults() != 1)
    return false;
  for (Value v : {op.getWeight(), op.getScales(), op.getBias()})
    if (v && !plainParameter(v, symbols))
      return false;
  return true;
}

Type elementType(Value v) {
  return v ? cast<RankedTensorType>(v.getType()).getElementType() : Type();
}

int64_t rows(LinearOp op) {
  return cast<RankedTensorType>(op.getWeight().getType()).getDimSize(0);
}

/// Whether candidates `a` and `b` of one input join into one weight: the
/// same weight format (element type, quant, scale type), both with or both
/// without a bias of one type, and different weights.
bool compatible(LinearOp a, LinearOp b, SymbolTable &symbols) {
  return a->getBlock() == b->getBlock() &&
         a.getQuantAttr() == b.getQuantAttr() &&
         elementType(a.getWeight()) == elementType(b.getWeight()) &&
         elementType(a.getScales()) == elementType(b.getScales()) &&
         elementType(a.getBias()) == elementType(b.getBias()) &&
         plainParameter(a.getWeight(), symbols) !=
             plainParameter(b.getWeight(), symbols);
}

/// Loads `param` before `at`.
Value loadBefore(ParameterOp param, Operation *at, RewriterBase &rewriter) {
  rewriter.setInsertionPoint(at);
  return LoadOp::create(rewriter, at->getLoc(), param.getTensorType(),
                        FlatSymbolRefAttr::get(param.getSymNameAttr()));
}

/// One parameter joining, along dim 0, the plain parameters that `values`
/// (one per segment, in segment order) load; named after the first.
ParameterOp joinParameters(ArrayRef<Value> values, SymbolTable &symbols,
                           RewriterBase &rewriter) {
  SmallVector<ParameterOp> params;
  for (Value v : values)
    params.push_back(plainParameter(v, symbols));
  RankedTensorType type = params.front().getTensorType();
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<int64_t> parts;
  SmallVector<StringRef> keys;
  SmallVector<Location> locs;
  for (ParameterOp p : params) {
    parts.push_back(p.getTensorType().getDimSize(0));
    if (p != params.front())
      keys.push_back(*p.getKey());
    locs.push_back(p.getLoc());
  }
  shape[0] = std::accumulate(parts.begin(), parts.end(), int64_t(0));
  rewriter.setInsertionPointAfter(params.front());
  auto joined = ParameterOp::create(
      rewriter, FusedLoc::get(rewriter.getContext(), locs),
      (params.front().getSymName() + "_qkv").str(),
      RankedTensorType::get(shape, type.getElementType()),
      params.front().getKeyAttr(), DenseI64ArrayAttr(),
      rewriter.getStrArrayAttr(keys), rewriter.getDenseI64ArrayAttr(parts));
  symbols.insert(joined); // renames on a clash
  return joined;
}

struct MoeFuseQkvPass : ds::impl::MoeFuseQkvBase<MoeFuseQkvPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());

    // The candidates of each input, in program order.
    llvm::MapVector<Value, SmallVector<LinearOp>> byInput;
    module.walk([&](LinearOp op) {
      if (candidate(op, symbols))
        byInput[op.getInput()].push_back(op);
    });
    int64_t groups = 0, linears = 0;
    for (auto &entry : byInput) {
      SmallVector<LinearOp> left = entry.second;
      while (left.size() >= 2) {
        SmallVector<LinearOp> group = takeGroup(left, symbols);
        if (group.size() < 2)
          continue;
        fuse(group, symbols, rewriter);
        ++groups;
        linears += group.size();
      }
    }
    ds::moe::recordPass(module, getArgument(),
                        {{"groups-fused", groups}, {"linears-fused", linears}});
    if (groups == 0)
      markAllAnalysesPreserved();
  }

  /// Removes from `left` the first candidate and those that join it (in
  /// program order, at most ds::GemmAttrs::kMaxSplit), and returns them in
  /// segment order: with a quantized weight, every segment but the last is
  /// a multiple of the block's rows, so one segment that is not goes last
  /// and a second one waits for another group.
  SmallVector<LinearOp> takeGroup(SmallVector<LinearOp> &left,
                                  SymbolTable &symbols) {
    LinearOp seed = left.front();
    QuantAttr quant = seed.getQuantAttr();
    SmallVector<LinearOp> group, rest;
    LinearOp ragged; // the one segment whose rows straddle a scale block
    for (LinearOp op : left) {
      bool joins = op == seed || compatible(seed, op, symbols);
      bool straddles = quant && rows(op) % quant.getBlock()[0] != 0;
      if (!joins ||
          group.size() + (ragged ? 1 : 0) >= ds::GemmAttrs::kMaxSplit ||
          (straddles && ragged)) {
        rest.push_back(op);
        continue;
      }
      if (straddles)
        ragged = op;
      else
        group.push_back(op);
    }
    if (ragged)
      group.push_back(ragged);
    left = std::move(rest);
    return group;
  }

  /// Replaces the linears of `group` (segment order) by one split linear
  /// over their joined weights, before the first of them.
  void fuse(ArrayRef<LinearOp> group, SymbolTable &symbols,
            RewriterBase &rewriter) {
    LinearOp first = group.front();
    for (LinearOp op : group)
      if (op->isBeforeInBlock(first))
        first = op;
    auto join = [&](llvm::function_ref<Value(LinearOp)> get) -> Value {
      if (!get(group.front()))
        return Value();
      SmallVector<Value> values;
      for (LinearOp op : group)
        values.push_back(get(op));
      return loadBefore(joinParameters(values, symbols, rewriter), first,
                        rewriter);
    };
    Value weight = join([](LinearOp op) -> Value { return op.getWeight(); });
    Value scales = join([](LinearOp op) { return op.getScales(); });
    Value bias = join([](LinearOp op) { return op.getBias(); });
    SmallVector<Type> types;
    SmallVector<int64_t> split;
    SmallVector<Location> locs;
    for (LinearOp op : group) {
      types.push_back(op->getResult(0).getType());
      split.push_back(rows(op));
      locs.push_back(op.getLoc());
    }
    rewriter.setInsertionPoint(first);
    auto fused = LinearOp::create(
        rewriter, FusedLoc::get(rewriter.getContext(), locs), types,
        first.getInput(), weight, scales, bias, first.getQuantAttr(),
        UnitAttr(), rewriter.getDenseI64ArrayAttr(split));
    for (auto [op, result] : llvm::zip_equal(group, fused.getResults())) {
      SmallVector<Value> operands(op->getOperands());
      rewriter.replaceOp(op, result);
      eraseUnused(operands, symbols, rewriter);
    }
  }

  /// Erases the loads among `operands` nothing reads any more, and their
  /// parameters when nothing else loads them.
  void eraseUnused(ArrayRef<Value> operands, SymbolTable &symbols,
                   RewriterBase &rewriter) {
    for (Value v : operands) {
      auto load = v.getDefiningOp<LoadOp>();
      if (!load || !load->use_empty())
        continue;
      auto param = symbols.lookup<ParameterOp>(load.getParameter());
      rewriter.eraseOp(load);
      if (param && SymbolTable::symbolKnownUseEmpty(param, getOperation()))
        symbols.erase(param);
    }
  }
};

} // namespace
