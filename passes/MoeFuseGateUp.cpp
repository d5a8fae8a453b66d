//===- MoeFuseGateUp.cpp - gate + up projections to one SwiGLU GEMM -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/LoadedParameter.h"
#include "passes/Passes.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoePassRecord.h"
#include "dialects/moe/MoeVerifyUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace ds {
#define GEN_PASS_DEF_MOEFUSEGATEUP
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

/// Whether the gate and up weights (or their scales) `g`, `u` can be one
/// parameter joined at load time: loads of keyed parameters of one type,
/// both plain or both stacked, reading the same slices.
bool joinable(Value g, Value u, SymbolTable &symbols) {
  ParameterOp pg = ds::loadedKeyedParameter(g, symbols),
              pu = ds::loadedKeyedParameter(u, symbols);
  return pg && pu && pg != pu && pg.getType() == pu.getType() &&
         pg.isStacked() == pu.isStacked() &&
         pg.getSlicesAttr() == pu.getSlicesAttr() &&
         pg.getTensorType().getRank() > pg.getConcatDim();
}

/// Whether gate and up weights `g`, `u` (with `scales` and `quant`) fuse
/// into one weight whose rows split into two halves a SwiGLU epilogue reads.
bool fusible(Value g, Value u, Value gScales, Value uScales, QuantAttr quant,
             SymbolTable &symbols) {
  if (!joinable(g, u, symbols) || (gScales != nullptr) != (uScales != nullptr))
    return false;
  if (gScales && !joinable(gScales, uScales, symbols))
    return false;
  auto type = cast<RankedTensorType>(g.getType());
  int64_t rows = type.getDimSize(type.getRank() - 2);
  return !quant || rows % quant.getBlock()[0] == 0;
}

/// One parameter joining the parameters `g` and `u` load along their
/// concat dim (the gate's rows, then the up's), inserted after the gate's.
ParameterOp joinParameters(Value g, Value u, SymbolTable &symbols,
                           RewriterBase &rewriter) {
  ParameterOp pg = ds::loadedKeyedParameter(g, symbols),
              pu = ds::loadedKeyedParameter(u, symbols);
  RankedTensorType type = pg.getTensorType();
  int64_t dim = pg.getConcatDim();
  SmallVector<int64_t> shape(type.getShape());
  int64_t rows = shape[dim];
  shape[dim] = 2 * rows;
  rewriter.setInsertionPointAfter(pg);
  auto joined = ParameterOp::create(
      rewriter,
      FusedLoc::get(rewriter.getContext(), {pg.getLoc(), pu.getLoc()}),
      (pg.getSymName() + "_up").str(),
      RankedTensorType::get(shape, type.getElementType()), pg.getKeyAttr(),
      pg.getSlicesAttr(), rewriter.getStrArrayAttr({*pu.getKey()}),
      rewriter.getDenseI64ArrayAttr({rows, rows}));
  symbols.insert(joined); // renames on a clash
  return joined;
}

/// Loads `param` before `at`.
Value loadBefore(ParameterOp param, Operation *at, RewriterBase &rewriter) {
  rewriter.setInsertionPoint(at);
  return LoadOp::create(rewriter, at->getLoc(), param.getTensorType(),
                        FlatSymbolRefAttr::get(param.getSymNameAttr()));
}

/// Erases `op` (a projection the fused one replaced) and the loads and
/// parameters only it used.
void eraseWithWeights(Operation *op, SymbolTable &symbols, ModuleOp module,
                      RewriterBase &rewriter) {
  SmallVector<Value> operands(op->getOperands());
  rewriter.eraseOp(op);
  for (Value v : operands) {
    auto load = v.getDefiningOp<LoadOp>();
    if (!load || !load->use_empty())
      continue;
    auto param = symbols.lookup<ParameterOp>(load.getParameter());
    rewriter.eraseOp(load);
    if (param && SymbolTable::symbolKnownUseEmpty(param, module)) {
      symbols.erase(param);
    }
  }
}

struct MoeFuseGateUpPass : ds::impl::MoeFuseGateUpBase<MoeFuseGateUpPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());
    bool changed = false;

    // Routed experts: the dispatched form (as moe-lower-to-kernels would
    // decompose them), where gate and up are two grouped matmuls.
    SmallVector<ExpertsOp> experts;
    module.walk([&](ExpertsOp op) { experts.push_back(op); });
    for (ExpertsOp op : experts) {
      ValueRange scales = op.getScales();
      if (!fusible(
              op.getGate(), op.getUp(), scales.empty() ? Value() : scales[0],
              scales.empty() ? Value() : scales[1], op.getQuantAttr(), symbols))
        continue;
      changed |= succeeded(op.decompose(rewriter));
    }

    SmallVector<SwiGLUOp> swiglus;
    module.walk([&](SwiGLUOp op) { swiglus.push_back(op); });
    int64_t linears = 0, grouped = 0;
    for (SwiGLUOp op : swiglus) {
      Operation *g = op.getGate().getDefiningOp();
      Operation *u = op.getUp().getDefiningOp();
      auto lg = dyn_cast_or_null<LinearOp>(g);
      auto lu = dyn_cast_or_null<LinearOp>(u);
      auto gg = dyn_cast_or_null<GroupedMatmulOp>(g);
      auto gu = dyn_cast_or_null<GroupedMatmulOp>(u);
      // A success erases op, g and u: nothing of them is read after it.
      if (lg && lu)
        linears += succeeded(fuseLinears(op, lg, lu, symbols, rewriter));
      else if (gg && gu)
        grouped += succeeded(fuseGrouped(op, gg, gu, symbols, rewriter));
    }
    changed |= linears + grouped > 0;
    ds::moe::recordPass(
        module, getArgument(),
        {{"linear-pairs-fused", linears}, {"grouped-pairs-fused", grouped}});
    if (!changed)
      markAllAnalysesPreserved();
  }

  /// swiglu(linear(x, Wg), linear(x, Wu)) -> linear(x, [Wg; Wu]) {swiglu}.
  LogicalResult fuseLinears(SwiGLUOp op, LinearOp g, LinearOp u,
                            SymbolTable &symbols, RewriterBase &rewriter) {
    if (g == u || g.getInput() != u.getInput() || g.getBias() || u.getBias() ||
        g.getSwiglu() || u.getSwiglu() || g.getSplit() || u.getSplit() ||
        g.getQuantAttr() != u.getQuantAttr() || !g->hasOneUse() ||
        !u->hasOneUse() || g->getResultTypes() != u->getResultTypes() ||
        g->getResultTypes() != op->getResultTypes() ||
        !fusible(g.getWeight(), u.getWeight(), g.getScales(), u.getScales(),
                 g.getQuantAttr(), symbols))
      return failure();
    auto [weight, scales] = joinWeights(g, u, op, symbols, rewriter);
    rewriter.setInsertionPoint(op);
    auto fused = LinearOp::create(rewriter, fusedLoc(op, g, u),
                                  TypeRange{op.getType()}, g.getInput(), weight,
                                  scales, Value(), g.getQuantAttr(),
                                  rewriter.getUnitAttr(), DenseI64ArrayAttr());
    finish(op, fused, g, u, symbols, rewriter);
    return success();
  }

  /// The same over expert-grouped rows: grouped_matmul {swiglu} over the
  /// experts' joined gate and up weights.
  LogicalResult fuseGrouped(SwiGLUOp op, GroupedMatmulOp g, GroupedMatmulOp u,
                            SymbolTable &symbols, RewriterBase &rewriter) {
    if (g == u || g.getInput() != u.getInput() ||
        g.getOffsets() != u.getOffsets() || g.getSwiglu() || u.getSwiglu() ||
        g.getQuantAttr() != u.getQuantAttr() || !g->hasOneUse() ||
        !u->hasOneUse() || g.getType() != u.getType() ||
        g.getType() != op.getType() ||
        !fusible(g.getWeight(), u.getWeight(), g.getScales(), u.getScales(),
                 g.getQuantAttr(), symbols))
      return failure();
    auto [weight, scales] = joinWeights(g, u, op, symbols, rewriter);
    rewriter.setInsertionPoint(op);
    auto fused = GroupedMatmulOp::create(
        rewriter, fusedLoc(op, g, u), op.getType(), g.getInput(), weight,
        g.getOffsets(), scales, g.getQuantAttr(), rewriter.getUnitAttr());
    finish(op, fused, g, u, symbols, rewriter);
    return success();
  }

  Value join(Value g, Value u, Operation *at, SymbolTable &symbols,
             RewriterBase &rewriter) {
    return loadBefore(joinParameters(g, u, symbols, rewriter), at, rewriter);
  }
  /// The joined weight and (when quantized) scales of projections `g` and
  /// `u`, loaded before `at`.
  template <class OpTy>
  std::pair<Value, Value> joinWeights(OpTy g, OpTy u, Operation *at,
                                      SymbolTable &symbols,
                                      RewriterBase &rewriter) {
    Value weight = join(g.getWeight(), u.getWeight(), at, symbols, rewriter);
    Value scales = g.getScales() ? join(g.getScales(), u.getScales(), at,
                                        symbols, rewriter)
                                 : Value();
    return {weight, scales};
  }

  static Location fusedLoc(Operation *op, Operation *g, Operation *u) {
    return FusedLoc::get(op->getContext(),
                         {g->getLoc(), u->getLoc(), op->getLoc()});
  }

  void finish(SwiGLUOp op, Operation *fused, Operation *g, Operation *u,
              SymbolTable &symbols, RewriterBase &rewriter) {
    rewriter.replaceOp(op, fused->getResults());
    eraseWithWeights(g, symbols, getOperation(), rewriter);
    eraseWithWeights(u, symbols, getOperation(), rewriter);
  }
};

} // namespace
