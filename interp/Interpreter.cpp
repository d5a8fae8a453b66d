//===- Interpreter.cpp - evaluate moe modules on the CPU ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoeParameterTable.h"
#include "ds/cpu/tensor_ops.h"
#include "ds/limits.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace ds;
using namespace ds::interp;

bool ds::interp::matchesType(RankedTensorType type, DType dtype,
                             ArrayRef<int64_t> shape) {
  if (dtypeOf(type.getElementType()) != dtype ||
      static_cast<int64_t>(shape.size()) != type.getRank())
    return false;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!type.isDynamicDim(d) && type.getDimSize(d) != shape[d])
      return false;
  return true;
}

DType ds::interp::elementDType(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  return dtypeOf(type.getElementType()).value_or(DType::F32);
}

LogicalResult ds::interp::check(const Status &status, Operation *op) {
  if (status.ok())
    return success();
  op->emitError() << status.message();
  return failure();
}

//===----------------------------------------------------------------------===//
// Signature
//===----------------------------------------------------------------------===//

llvm::Expected<EntrySignature> ds::interp::entrySignature(func::FuncOp func,
                                                          ModuleOp module) {
  EntrySignature signature;
  signature.function = func.getName().str();
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    Type type = func.getArgumentTypes()[i];
    std::string typeText;
    llvm::raw_string_ostream(typeText) << type;
    auto tensor = dyn_cast<RankedTensorType>(type);
    std::optional<DType> dtype =
        tensor ? dtypeOf(tensor.getElementType()) : std::nullopt;
    if (!dtype)
      return llvm::createStringError(
          "argument " + Twine(i) + " of @" + func.getName() + " is " +
          typeText + ", not a ranked tensor of a checkpoint dtype");
    InputSpec input;
    input.name = moe::portName(func.getArgAttrDict(i), "arg", i);
    input.dtype = *dtype;
    for (int64_t d : tensor.getShape())
      input.shape.push_back(ShapedType::isDynamic(d) ? kDynamicDim : d);
    input.typeText = typeText;
    signature.inputs.push_back(std::move(input));
  }
  signature.limits = moe::tokenLimits(module);
  return signature;
}

//===----------------------------------------------------------------------===//
// WeightStore
//===----------------------------------------------------------------------===//

Expected<std::shared_ptr<const cpu::Tensor>> WeightStore::get(StringRef name) {
  if (auto it = live.find(name); it != live.end())
    if (std::shared_ptr<const cpu::Tensor> held = it->second.lock())
      return held;
  const ParameterSpec *param = table.find(name);
  if (!param)
    return Status::error(("no moe.parameter named @" + name).str());
  Expected<cpu::Tensor> tensor = decodeParameter(*param, checkpoint);
  if (!tensor)
    return tensor.status();
  auto shared = std::make_shared<const cpu::Tensor>(std::move(tensor).value());
  live.insert_or_assign(name.str(), shared);
  return shared;
}

//===----------------------------------------------------------------------===//
// EvalContext
//===----------------------------------------------------------------------===//

const cpu::Tensor *EvalContext::tensor(Value v, Operation *user) {
  auto it = values.find(v);
  if (it == values.end() || !it->second.tensor) {
    user->emitError() << "internal error: operand has no tensor value";
    return nullptr;
  }
  return it->second.tensor.get();
}

std::optional<int64_t> EvalContext::index(Value v, Operation *user) {
  auto it = values.find(v);
  if (it == values.end() || !it->second.index) {
    user->emitError() << "internal error: operand has no index value";
    return std::nullopt;
  }
  return it->second.index;
}

std::optional<double> EvalContext::real(Value v, Operation *user) {
  auto it = values.find(v);
  if (it == values.end() || !it->second.real) {
    user->emitError() << "internal error: operand has no float scalar value";
    return std::nullopt;
  }
  return it->second.real;
}

LogicalResult EvalContext::bind(Value v, cpu::Tensor t, Operation *op) {
  return bind(v, std::make_shared<const cpu::Tensor>(std::move(t)), op);
}

LogicalResult EvalContext::bind(Value v, Expected<cpu::Tensor> t,
                                Operation *op) {
  FailureOr<cpu::Tensor> value = check(std::move(t), op);
  if (failed(value))
    return failure();
  return bind(v, std::move(*value), op);
}

/// "'tensor.splat'".
static std::string resultOf(Operation *op) {
  return ("result of '" + op->getName().getStringRef() + "'").str();
}

LogicalResult EvalContext::bind(Value v, std::shared_ptr<const cpu::Tensor> t,
                                Operation *op) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!matchesType(type, t->dtype(), t->shape()))
    return op->emitError() << "internal error: computed " << t->typeString()
                           << " for a result of type " << type;
  // A value bound twice (never in SSA) keeps one charge.
  release(v);
  unsigned &count = holders[t.get()];
  if (count == 0 &&
      failed(check(budget.reserve(cpu::heldBytes(*t), resultOf(op)), op))) {
    holders.erase(t.get());
    return failure();
  }
  ++count;
  values[v].tensor = std::move(t);
  return success();
}

LogicalResult EvalContext::checkAllocation(Operation *op, DType dtype,
                                           const cpu::Shape &shape) {
  FailureOr<int64_t> bytes =
      check(cpu::heldBytes(dtype, shape, resultOf(op)), op);
  if (failed(bytes))
    return failure();
  return check(budget.check(*bytes, resultOf(op)), op);
}

void EvalContext::release(Value v) {
  auto it = values.find(v);
  if (it == values.end())
    return;
  if (const cpu::Tensor *t = it->second.tensor.get()) {
    auto holder = holders.find(t);
    if (holder != holders.end() && --holder->second == 0) {
      budget.release(cpu::heldBytes(*t));
      holders.erase(holder);
    }
  }
  values.erase(it);
}

//===----------------------------------------------------------------------===//
// evaluate
//===----------------------------------------------------------------------===//

/// Whether `op` is the last user of `operand` in its block.
static bool isLastUse(Value operand, Operation *op) {
  return !llvm::any_of(operand.getUsers(), [&](Operation *user) {
    return user != op && op->isBeforeInBlock(user);
  });
}

FailureOr<MemoryEstimate>
ds::interp::estimatePeakMemory(func::FuncOp func, ArrayRef<cpu::Tensor> args,
                               int64_t tokens,
                               const ParameterTable &parameters) {
  MemoryEstimate estimate;
  estimate.parameters = parameters.decodedBytes();
  llvm::DenseMap<Value, int64_t> bytesOf;
  int64_t live = 0;
  Operation *current = func;
  auto add = [&](int64_t bytes) -> LogicalResult {
    std::optional<int64_t> next = checkedAdd(live, bytes);
    if (!next)
      return failure();
    live = *next;
    if (live > estimate.peak) {
      estimate.peak = live;
      estimate.peakOp = current;
    }
    return success();
  };
  Block &body = func.getBody().front();
  for (auto [arg, value] : llvm::zip(body.getArguments(), args)) {
    bytesOf[arg] = cpu::heldBytes(value);
    if (failed(add(bytesOf[arg])))
      return func.emitError() << "memory estimate overflows";
  }
  // The size of each value's dynamic dims: T, except for the rows of a
  // dispatch (T * k, one per routed token) and what is computed from them,
  // until a combine gathers them back to T.
  llvm::DenseMap<Value, int64_t> dynamicOf;
  for (Value arg : body.getArguments())
    dynamicOf[arg] = tokens;
  for (Operation &op : body) {
    current = &op;
    int64_t dynamic = tokens;
    for (Value operand : op.getOperands())
      dynamic = std::max(dynamic, dynamicOf.lookup(operand));
    if (auto dispatch = dyn_cast<moe::DispatchOp>(op)) {
      auto indices = cast<RankedTensorType>(dispatch.getIndices().getType());
      if (indices.getRank() == 2 && !indices.isDynamicDim(1))
        dynamic = checkedMul(tokens, indices.getDimSize(1)).value_or(INT64_MAX);
    } else if (isa<moe::CombineOp>(op)) {
      dynamic = tokens;
    }
    for (Value result : op.getResults()) {
      dynamicOf[result] = dynamic;
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type)
        continue;
      cpu::Shape shape;
      for (int64_t d : type.getShape())
        shape.push_back(ShapedType::isDynamic(d) ? dynamic : d);
      DType dtype = dtypeOf(type.getElementType()).value_or(DType::F32);
      Expected<int64_t> bytes = cpu::heldBytes(dtype, shape, resultOf(&op));
      if (!bytes) {
        op.emitError() << "memory estimate for T = " << tokens << ": "
                       << bytes.message();
        return failure();
      }
      bytesOf[result] = *bytes;
      if (failed(add(*bytes)))
        return op.emitError() << "memory estimate overflows";
    }
    for (Value operand : op.getOperands())
      if (isLastUse(operand, &op)) {
        live -= bytesOf.lookup(operand);
        bytesOf.erase(operand);
        dynamicOf.erase(operand);
      }
  }
  return estimate;
}

/// The token count of `args`: the leading dim of the first argument whose
/// leading dim is dynamic (1 when none is).
static int64_t tokensOf(func::FuncOp func, ArrayRef<cpu::Tensor> args) {
  for (auto [type, value] : llvm::zip(func.getArgumentTypes(), args)) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (tensor && tensor.getRank() >= 1 && tensor.isDynamicDim(0) &&
        value.rank() >= 1)
      return value.dim(0);
  }
  return 1;
}

FailureOr<std::vector<cpu::Tensor>>
ds::interp::evaluate(func::FuncOp func, ArrayRef<cpu::Tensor> args,
                     WeightStore &weights, MemoryBudget &budget,
                     RoutingProfile *routing) {
  EvalContext ctx(weights, budget);
  ctx.routing = routing;
  if (routing)
    routing->beginRun();
  FunctionType signature = func.getFunctionType();
  for (Type type : llvm::concat<const Type>(signature.getInputs(),
                                            signature.getResults())) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !dtypeOf(tensor.getElementType()))
      return func.emitError() << "ds-interp evaluates functions of ranked "
                                 "tensors of a checkpoint dtype, not "
                              << type;
  }
  Block &body = func.getBody().front();
  if (args.size() != body.getNumArguments())
    return func.emitError() << "expected " << body.getNumArguments()
                            << " arguments, got " << args.size();
  for (auto [i, arg, value] : llvm::enumerate(body.getArguments(), args)) {
    auto type = cast<RankedTensorType>(arg.getType());
    if (!matchesType(type, value.dtype(), value.shape()))
      return func.emitError() << "argument " << i << " is "
                              << value.typeString() << ", expected " << type;
  }

  // Refuse a run whose estimated peak is above the limit before any value
  // is computed.
  int64_t tokens = tokensOf(func, args);
  FailureOr<MemoryEstimate> estimate =
      estimatePeakMemory(func, args, tokens, weights.parameters());
  if (failed(estimate))
    return failure();
  if (estimate->peak > budget.limit()) {
    InFlightDiagnostic diag =
        func.emitError() << "estimated peak memory "
                         << formatBytes(estimate->peak) << " for T = " << tokens
                         << " is above the memory limit "
                         << formatBytes(budget.limit())
                         << " (--max-memory); the parameters decoded to fp32 "
                            "take "
                         << formatBytes(estimate->parameters) << " in all";
    if (estimate->peakOp && estimate->peakOp != func)
      diag.attachNote(estimate->peakOp->getLoc())
          << "the peak is reached at this '" << estimate->peakOp->getName()
          << "'";
    return failure();
  }

  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    if (failed(ctx.bind(arg, value, func)))
      return failure();

  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<cpu::Tensor> results;
      for (Value v : ret.getOperands()) {
        const cpu::Tensor *t = ctx.tensor(v, &op);
        if (!t)
          return failure();
        results.push_back(*t);
      }
      return results;
    }
    if (op.getNumRegions() != 0)
      return op.emitError() << "ds-interp evaluates straight-line functions; "
                               "ops with regions are not supported";
    // A result of static shape is checked against the budget before it is
    // computed; the others when they are bound.
    int64_t staticBytes = 0;
    for (Value result : op.getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType());
          type && type.hasStaticShape() && !isa<moe::LoadOp>(op)) {
        DType dtype = dtypeOf(type.getElementType()).value_or(DType::F32);
        FailureOr<int64_t> bytes = check(
            cpu::heldBytes(dtype, type.getShape().vec(), resultOf(&op)), &op);
        if (failed(bytes))
          return failure();
        staticBytes = checkedAdd(staticBytes, *bytes).value_or(INT64_MAX);
      }
    if (staticBytes &&
        failed(check(budget.check(staticBytes, resultOf(&op)), &op)))
      return failure();
    bool handled = true;
    LogicalResult result = evalMoeOp(&op, ctx, handled);
    if (!handled) {
      handled = true;
      result = evalTensorOp(&op, ctx, handled);
    }
    if (!handled) {
      handled = true;
      result = evalArithOp(&op, ctx, handled);
    }
    if (!handled)
      return op.emitError()
             << "ds-interp cannot evaluate '" << op.getName() << "'";
    if (failed(result))
      return failure();
    // Free operands whose last user in this block just ran.
    for (Value operand : op.getOperands())
      if (isLastUse(operand, &op))
        ctx.release(operand);
  }
  return func.emitError() << "function has no func.return";
}
