//===- EvalMoeOps.cpp - moe ops on the CPU reference ----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Maps each moe op, with its attributes, onto one call of the CPU reference
// library (runtime/include/ds/cpu/ops.h).
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeOps.h"
#include "ds/cpu/ops.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ds;
using namespace ds::interp;

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
        std::optional<ds::Quant> quant = moe::toQuant(l.getQuant());
        if (l.getSwiglu())
          return bindOne(op, ctx,
                         cpu::linearSwiGLU(x, w, scales, quant, out()));
        if (std::optional<ArrayRef<int64_t>> split = l.getSplit()) {
          FailureOr<std::vector<cpu::Tensor>> parts =
              check(cpu::linearSplit(x, w, scales, bias, quant,
                                     std::vector<int64_t>(*split), out()),
                    op);
          if (failed(parts))
            return failure();
          for (auto [value, part] : llvm::zip_equal(l.getResults(), *parts))
            if (failed(ctx.bind(value, std::move(part), op)))
              return failure();
          return success();
        }
        return bindOne(op, ctx, cpu::linear(x, w, scales, bias, quant, out()));
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
        return bindOne(op, ctx,
                       cpu::rope(x, positions, r.getTheta().convertToDouble(),
                                 moe::fromMoe(r.getStyle()),
                                 moe::toYarn(r.getScaling()), out()));
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
                                      moe::toWindow(a.getWindow()), out()));
      })
      .Case([&](moe::RouterOp r) -> LogicalResult {
        auto &x = in.get(r.getInput());
        auto &gate = in.get(r.getGate());
        const cpu::Tensor *bias = in.optional(r.getCorrectionBias());
        if (!in.ok)
          return failure();
        FailureOr<cpu::RouterResult> res = check(
            cpu::router(x, gate, bias, moe::toRouter(r.getConfig()), out(0)),
            op);
        if (failed(res))
          return failure();
        if (ctx.routing &&
            failed(check(ctx.routing->record(gate.dim(0), res->indices), op)))
          return failure();
        if (failed(ctx.bind(r.getWeights(), res->weights, op)))
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
                                    moe::toQuant(e.getQuant()), out()));
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
        std::optional<ds::Quant> quant = moe::toQuant(g.getQuant());
        if (g.getSwiglu())
          return bindOne(
              op, ctx,
              cpu::groupedMatmulSwiGLU(rows, w, offsets, scales, quant, out()));
        return bindOne(
            op, ctx,
            cpu::groupedMatmul(rows, w, offsets, scales, quant, out()));
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
