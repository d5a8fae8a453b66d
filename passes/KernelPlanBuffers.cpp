//===- KernelPlanBuffers.cpp - liveness-based arena plan ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/ArenaPlan.h"
#include "passes/Passes.h"

#include "dialects/kernel/KernelDialect.h"
#include "dialects/kernel/KernelOps.h"
#include "dialects/kernel/KernelUtils.h"
#include "dialects/moe/MoeDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace ds {
#define GEN_PASS_DEF_KERNELPLANBUFFERS
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::kernel;
using ds::plan::Linear;

/// The plan is optimized for this many tokens unless told otherwise.
static constexpr int64_t kDefaultMaxTokens = 4096;

/// The bytes of a buffer of `type` with token scale `scale`, as a·T + b.
static std::optional<Linear> bytesOf(MemRefType type, int64_t scale) {
  unsigned bits = type.getElementTypeBitWidth();
  int64_t elements = 1;
  bool dynamic = false;
  for (int64_t d : type.getShape()) {
    if (ShapedType::isDynamic(d)) {
      dynamic = true;
      continue;
    }
    if (d != 0 && elements > (int64_t(1) << 50) / d)
      return std::nullopt;
    elements *= d;
  }
  int64_t bytes = (elements * bits + 7) / 8;
  if (!dynamic)
    return Linear{0, bytes};
  if (scale < 1 || (bytes != 0 && scale > (int64_t(1) << 50) / bytes))
    return std::nullopt;
  return Linear{bytes * scale, 0};
}

namespace {
/// One kernel.buffer of a function and its live range.
struct BufferInfo {
  BufferOp op;
  Linear bytes;
  int64_t first = -1;
  int64_t last = -1;
};

struct FunctionPlan {
  func::FuncOp func;
  std::vector<BufferInfo> buffers;
  DenseMap<Value, unsigned> bufferOf; ///< buffer results and views of them

  /// The buffer `v` is or views, if any.
  std::optional<unsigned> root(Value v) const {
    auto it = bufferOf.find(v);
    if (it == bufferOf.end())
      return std::nullopt;
    return it->second;
  }

  /// Whether `v` is the whole of its buffer (the buffer itself, or a view at
  /// offset 0 of the same size).
  bool whole(Value v, unsigned b) {
    if (v == buffers[b].op.getResult())
      return true;
    auto view = v.getDefiningOp<ViewOp>();
    if (!view || view.getOffset() != 0)
      return false;
    std::optional<int64_t> scale = getTokenScale(v);
    std::optional<Linear> bytes =
        bytesOf(cast<MemRefType>(v.getType()), scale.value_or(1));
    return bytes && *bytes == buffers[b].bytes;
  }
};
} // namespace

/// Collects the buffers of `func` and their live ranges in program order.
static FailureOr<FunctionPlan> analyze(func::FuncOp func) {
  FunctionPlan plan;
  plan.func = func;
  if (func.isExternal())
    return plan;
  if (!func.getBody().hasOneBlock())
    return func.emitError()
           << "kernel-plan-buffers: expected a function of one block";
  int64_t index = 0;
  auto use = [&](Value v) {
    if (std::optional<unsigned> b = plan.root(v)) {
      BufferInfo &info = plan.buffers[*b];
      if (info.first < 0)
        info.first = index;
      info.last = std::max(info.last, index);
    }
  };
  Block &body = func.getBody().front();
  int64_t end = std::distance(body.begin(), body.end());
  for (Operation &op : body) {
    if (auto buffer = dyn_cast<BufferOp>(op)) {
      auto type = cast<MemRefType>(buffer.getType());
      std::optional<Linear> bytes =
          bytesOf(type, buffer.getTokens().value_or(1));
      if (!bytes)
        return buffer.emitError()
               << "kernel-plan-buffers: the size of this buffer overflows";
      plan.bufferOf[buffer.getResult()] = plan.buffers.size();
      plan.buffers.push_back({buffer, *bytes});
    } else if (auto view = dyn_cast<ViewOp>(op)) {
      if (std::optional<unsigned> b = plan.root(view.getSource()))
        plan.bufferOf[view.getResult()] = *b;
    } else if (isa<func::ReturnOp>(op)) {
      index = end;
      for (Value v : op.getOperands())
        use(v);
    } else {
      for (Value v : op.getOperands())
        use(v);
    }
    ++index;
  }
  // A buffer no launch touches still gets a (short) place.
  for (BufferInfo &info : plan.buffers)
    if (info.first < 0) {
      info.first = info.last =
          std::distance(body.begin(), info.op->getIterator());
    }
  return plan;
}

namespace {
struct KernelPlanBuffersPass
    : ds::impl::KernelPlanBuffersBase<KernelPlanBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t tokens = maxTokens;
    if (tokens <= 0) {
      tokens = kDefaultMaxTokens;
      if (auto attr = module->getAttrOfType<IntegerAttr>(
              ds::moe::MoeDialect::getMaxTokensAttrName()))
        tokens = attr.getInt();
    }
    if (tokens < 1 || tokens > (int64_t(1) << 24)) {
      module.emitError() << "kernel-plan-buffers: max-tokens " << tokens
                         << " is outside [1, 16777216]";
      return signalPassFailure();
    }
    for (auto func : module.getOps<func::FuncOp>())
      if (failed(planFunction(func, tokens)))
        return signalPassFailure();
  }

  LogicalResult planFunction(func::FuncOp func, int64_t tokens) {
    FailureOr<FunctionPlan> analyzed = analyze(func);
    if (failed(analyzed))
      return failure();
    FunctionPlan &plan = *analyzed;
    if (func.isExternal())
      return success();

    // In-place pairs: an out that starts at an op may take the slot of an in
    // of the same size that dies there.
    llvm::EquivalenceClasses<unsigned> slots;
    for (unsigned b = 0; b < plan.buffers.size(); ++b)
      slots.insert(b);
    DenseMap<unsigned, int64_t> slotLast;
    auto lastOf = [&](unsigned b) {
      unsigned leader = slots.getLeaderValue(b);
      auto it = slotLast.find(leader);
      return it == slotLast.end() ? plan.buffers[b].last : it->second;
    };
    int64_t index = 0;
    for (Operation &op : func.getBody().front()) {
      if (auto inPlace = dyn_cast<InPlaceOpInterface>(op)) {
        auto launch = cast<LaunchOpInterface>(op);
        for (auto [outIndex, inIndex] : inPlace.getInPlacePairs()) {
          Value out = launch.getOuts()[outIndex];
          Value in = launch.getIns()[inIndex];
          std::optional<unsigned> o = plan.root(out), i = plan.root(in);
          if (!o || !i || slots.isEquivalent(*o, *i))
            continue;
          const BufferInfo &ob = plan.buffers[*o], &ib = plan.buffers[*i];
          if (ob.first != index || lastOf(*i) != index ||
              !(ob.bytes == ib.bytes) || !plan.whole(out, *o) ||
              !plan.whole(in, *i) ||
              slots.getLeaderValue(*o) != static_cast<unsigned>(*o))
            continue;
          int64_t last = std::max(lastOf(*o), lastOf(*i));
          slots.unionSets(*i, *o);
          slotLast[slots.getLeaderValue(*i)] = last;
        }
      }
      ++index;
    }

    // One slot per class: its size and its members' union live range.
    std::vector<ds::plan::Slot> slotList;
    DenseMap<unsigned, unsigned> slotOf;
    int64_t naive = 0;
    for (unsigned b = 0; b < plan.buffers.size(); ++b) {
      const BufferInfo &info = plan.buffers[b];
      // Each buffer as large as its own slot would be: peak <= naive.
      naive += ds::plan::alignSize(info.bytes).at(tokens);
      unsigned leader = slots.getLeaderValue(b);
      auto [it, inserted] = slotOf.try_emplace(leader, slotList.size());
      if (inserted)
        slotList.push_back(
            {ds::plan::alignSize(info.bytes), info.first, info.last});
      ds::plan::Slot &slot = slotList[it->second];
      slot.first = std::min(slot.first, info.first);
      slot.last = std::max(slot.last, info.last);
    }
    std::optional<ds::plan::Placement> placement =
        ds::plan::place(slotList, tokens);
    if (!placement)
      return func.emitError()
             << "kernel-plan-buffers: the arena of @" << func.getName()
             << " exceeds 2^62 bytes at " << tokens << " tokens";

    for (unsigned b = 0; b < plan.buffers.size(); ++b) {
      const Linear &offset =
          placement->offsets[slotOf[slots.getLeaderValue(b)]];
      plan.buffers[b].op.setOffset(
          ArrayRef<int64_t>{offset.perToken, offset.fixed});
    }
    func->setAttr(
        KernelDialect::getPlanAttrName(),
        PlanAttr::get(func.getContext(), tokens, placement->peakBytes, naive));
    if (summary)
      llvm::outs() << llvm::formatv(
          "kernel-plan-buffers: @{0}: {1} buffers in {2} slots; peak {3} "
          "bytes ({4:F1} MiB) at T = {5}, naive {6} bytes ({7:F1} MiB), "
          "{8:F2}x\n",
          func.getName(), plan.buffers.size(), slotList.size(),
          placement->peakBytes, placement->peakBytes / 1048576.0, tokens, naive,
          naive / 1048576.0,
          placement->peakBytes ? double(naive) / placement->peakBytes : 0.0);
    return success();
  }
};
} // namespace
