//===- EvalMoeOps.cpp - moe ops on the CPU reference ----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Maps each moe op, with its attributes, onto one call of the CPU reference
// library (runtime/include/ds/cpu/ops.h).
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "dialects/moe/MoeOps.h"
#include "ds/cpu/ops.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ds;
using namespace ds::interp;

//===----------------------------------------------------------------------===//
// Attribute conversion
//===----------------------------------------------------------------------===//

static std::optional<cpu::Quant> toQuant(std::optional<moe::QuantAttr> attr) {
  if (!attr)
    return std::nullopt;
  cpu::Quant quant;
  switch (attr->getScheme()) {
  case moe::QuantScheme::fp8_e4m3:
    quant.scheme = cpu::QuantScheme::FP8E4M3;
    break;
  case moe::QuantScheme::int8:
    quant.scheme = cpu::QuantScheme::Int8;
    break;
  case moe::QuantScheme::int4:
    quant.scheme = cpu::QuantScheme::Int4;
    break;
  }
  quant.blockRows = attr->getBlock()[0];
  quant.blockCols = attr->getBlock()[1];
  return quant;
}

static std::optional<cpu::Yarn> toYarn(std::optional<moe::YarnAttr> attr) {
  if (!attr)
    return std::nullopt;
  cpu::Yarn yarn;
  yarn.factor = attr->getFactor().convertToDouble();
  yarn.originalMaxPositionEmbeddings = attr->getOriginalMaxPositionEmbeddings();
  yarn.betaFast = attr->getBetaFast().convertToDouble();
  yarn.betaSlow = attr->getBetaSlow().convertToDouble();
  yarn.mscale = attr->getMscale().convertToDouble();
  yarn.mscaleAllDim = attr->getMscaleAllDim().convertToDouble();
  yarn.attentionFactor = attr->getAttentionFactor().convertToDouble();
  yarn.truncate = attr->getTruncate();
  return yarn;
}

static cpu::Window toWindow(moe::WindowAttr attr) {
  cpu::Window window;
  switch (attr.getKind()) {
  case moe::WindowKind::global:
    window.kind = cpu::WindowKind::Global;
    break;
  case moe::WindowKind::sliding:
    window.kind = cpu::WindowKind::Sliding;
    break;
  case moe::WindowKind::chunked:
    window.kind = cpu::WindowKind::Chunked;
    break;
  case moe::WindowKind::local_global:
    window.kind = cpu::WindowKind::LocalGlobal;
    break;
  }
  window.size = attr.getSize();
  window.sinks = attr.getSinks();
  return window;
}

static cpu::RouterConfig toRouter(moe::RouterAttr attr) {
  cpu::RouterConfig config;
  config.scoring = attr.getScoring() == moe::Scoring::sigmoid
                       ? cpu::Scoring::Sigmoid
                       : cpu::Scoring::Softmax;
  switch (attr.getSelection()) {
  case moe::Selection::greedy:
    config.selection = cpu::Selection::Greedy;
    break;
  case moe::Selection::group_limited:
    config.selection = cpu::Selection::GroupLimited;
    break;
  case moe::Selection::noaux_tc:
    config.selection = cpu::Selection::NoauxTc;
    break;
  }
  config.topK = attr.getTopK();
  config.nGroup = attr.getNGroup();
  config.topkGroup = attr.getTopkGroup();
  config.normTopkProb = attr.getNormTopkProb();
  config.routedScalingFactor = attr.getRoutedScalingFactor().convertToDouble();
  config.groupFill = attr.getGroupFill() == moe::GroupFill::zero
                         ? cpu::GroupFill::Zero
                         : cpu::GroupFill::NegInf;
  return config;
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

namespace {
/// Operand access for one op; every getter emits at the op on failure.
struct Operands {
  Operation *op;
  EvalContext &ctx;
  bool ok = true;

  const cpu::Tensor &get(Value v) {
    static const cpu::Tensor empty;
    const cpu::Tensor *t = ctx.tensor(v, op);
    ok &= t != nullptr;
    return t ? *t : empty;
  }
  const cpu::Tensor *optional(Value v) { return v ? &get(v) : nullptr; }
};
} // namespace

/// Binds a single result computed by `result`.
static LogicalResult bindOne(Operation *op, EvalContext &ctx,
                             Expected<cpu::Tensor> result) {
  FailureOr<cpu::Tensor> t = check(std::move(result), op);
  if (failed(t))
    return failure();
  return ctx.bind(op->getResult(0), std::move(*t), op);
}

LogicalResult ds::interp::evalMoeOp(Operation *op, EvalContext &ctx,
                                    bool &handled) {
  Operands in{op, ctx};
  auto out = [&](unsigned i = 0) { return elementDType(op->getResult(i)); };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](moe::LoadOp load) -> LogicalResult {
        FailureOr<std::shared_ptr<const cpu::Tensor>> t =
            check(ctx.weights.get(load.getParameter()), op);
        if (failed(t))
          return failure();
        return ctx.bind(load.getResult(), std::move(*t), op);
      })
      .Case([&](moe::EmbeddingOp e) {
        auto &table = in.get(e.getTable());
        auto &ids = in.get(e.getIds());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx, cpu::embedding(table, ids, out()));
      })
      .Case([&](moe::RMSNormOp n) {
        auto &x = in.get(n.getInput());
        auto &w = in.get(n.getWeight());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx,
                       cpu::rmsNorm(x, w, n.getEps().convertToDouble(), out()));
      })
      .Case([&](moe::AddRMSNormOp n) -> LogicalResult {
        auto &x = in.get(n.getInput());
        auto &r = in.get(n.getResidual());
        auto &w = in.get(n.getWeight());
        if (!in.ok)
          return failure();
        FailureOr<cpu::AddRmsNormResult> res = check(
            cpu::addRmsNorm(x, r, w, n.getEps().convertToDouble(), out()), op);
        if (failed(res) || failed(ctx.bind(n.getSum(), res->sum, op)))
          return failure();
        return ctx.bind(n.getResult(), std::move(res->normed), op);
      })
      .Case([&](moe::LinearOp l) {
        auto &x = in.get(l.getInput());
        auto &w = in.get(l.getWeight());
        const cpu::Tensor *scales = in.optional(l.getScales());
        const cpu::Tensor *bias = in.optional(l.getBias());
        if (!in.ok)
          return failure();
        return bindOne(
            op, ctx,
            cpu::linear(x, w, scales, bias, toQuant(l.getQuant()), out()));
      })
      .Case([&](moe::SwiGLUOp s) {
        auto &gate = in.get(s.getGate());
        auto &up = in.get(s.getUp());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx, cpu::swiglu(gate, up, out()));
      })
      .Case([&](moe::SigmoidGateOp g) {
        auto &x = in.get(g.getInput());
        auto &logit = in.get(g.getLogit());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx, cpu::sigmoidGate(x, logit, out()));
      })
      .Case([&](moe::RopeOp r) {
        auto &x = in.get(r.getInput());
        auto &positions = in.get(r.getPositions());
        if (!in.ok)
          return failure();
        auto style = r.getStyle() == moe::RopeStyle::interleaved
                         ? cpu::RopeStyle::Interleaved
                         : cpu::RopeStyle::HalfSplit;
        return bindOne(op, ctx,
                       cpu::rope(x, positions, r.getTheta().convertToDouble(),
                                 style, toYarn(r.getScaling()), out()));
      })
      .Case([&](moe::AttentionOp a) {
        auto &q = in.get(a.getQuery());
        auto &k = in.get(a.getKey());
        auto &v = in.get(a.getValue());
        const cpu::Tensor *shared = in.optional(a.getSharedKey());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx,
                       cpu::attention(q, k, v, shared,
                                      a.getScale().convertToDouble(),
                                      toWindow(a.getWindow()), out()));
      })
      .Case([&](moe::RouterOp r) -> LogicalResult {
        auto &x = in.get(r.getInput());
        auto &gate = in.get(r.getGate());
        const cpu::Tensor *bias = in.optional(r.getCorrectionBias());
        if (!in.ok)
          return failure();
        FailureOr<cpu::RouterResult> res = check(
            cpu::router(x, gate, bias, toRouter(r.getConfig()), out(0)), op);
        if (failed(res) || failed(ctx.bind(r.getWeights(), res->weights, op)))
          return failure();
        return ctx.bind(r.getIndices(), std::move(res->indices), op);
      })
      .Case([&](moe::ExpertsOp e) {
        auto &x = in.get(e.getInput());
        auto &weights = in.get(e.getWeights());
        auto &indices = in.get(e.getIndices());
        auto &gate = in.get(e.getGate());
        auto &up = in.get(e.getUp());
        auto &down = in.get(e.getDown());
        std::vector<const cpu::Tensor *> scales;
        for (Value s : e.getScales())
          scales.push_back(&in.get(s));
        if (!in.ok)
          return failure();
        return bindOne(op, ctx,
                       cpu::experts(x, weights, indices, gate, up, down, scales,
                                    toQuant(e.getQuant()), out()));
      })
      .Case([&](moe::DispatchOp d) -> LogicalResult {
        auto &x = in.get(d.getInput());
        auto &indices = in.get(d.getIndices());
        if (!in.ok)
          return failure();
        int64_t experts = d.getOffsets().getType().getDimSize(0) - 1;
        FailureOr<cpu::DispatchResult> res =
            check(cpu::dispatch(x, indices, experts, out(0)), op);
        if (failed(res) || failed(ctx.bind(d.getPermuted(), res->rows, op)) ||
            failed(ctx.bind(d.getPerm(), res->permutation, op)))
          return failure();
        return ctx.bind(d.getOffsets(), std::move(res->offsets), op);
      })
      .Case([&](moe::GroupedMatmulOp g) {
        auto &rows = in.get(g.getInput());
        auto &w = in.get(g.getWeight());
        auto &offsets = in.get(g.getOffsets());
        const cpu::Tensor *scales = in.optional(g.getScales());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx,
                       cpu::groupedMatmul(rows, w, offsets, scales,
                                          toQuant(g.getQuant()), out()));
      })
      .Case([&](moe::CombineOp c) {
        auto &rows = in.get(c.getInput());
        auto &perm = in.get(c.getPerm());
        auto &weights = in.get(c.getWeights());
        if (!in.ok)
          return failure();
        return bindOne(op, ctx, cpu::combine(rows, perm, weights, out()));
      })
      .Default([&](Operation *) {
        handled = false;
        return failure();
      });
}
