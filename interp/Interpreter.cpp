//===- Interpreter.cpp - evaluate moe modules on the CPU ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "dialects/moe/MoeOps.h"

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
// WeightStore
//===----------------------------------------------------------------------===//

std::shared_ptr<const cpu::Tensor> WeightStore::get(StringRef name,
                                                    Operation *user) {
  if (auto it = cache.find(name); it != cache.end())
    return it->second;
  auto param = dyn_cast_or_null<moe::ParameterOp>(
      SymbolTable::lookupSymbolIn(module, name));
  if (!param) {
    user->emitError() << "no moe.parameter named @" << name;
    return nullptr;
  }
  FailureOr<cpu::Tensor> tensor = read(param, user);
  if (failed(tensor))
    return nullptr;
  auto shared = std::make_shared<const cpu::Tensor>(std::move(*tensor));
  cache.emplace(name.str(), shared);
  return shared;
}

/// "[2, 3]".
static std::string shapeText(ArrayRef<int64_t> shape) {
  return cpu::shapeToString(cpu::Shape(shape.begin(), shape.end()));
}

FailureOr<cpu::Tensor> WeightStore::read(moe::ParameterOp param,
                                         Operation *user) {
  RankedTensorType type = param.getTensorType();
  std::optional<DType> dtype = dtypeOf(type.getElementType());
  std::optional<StringRef> key = param.getKey();
  if (!key || !dtype) {
    user->emitError() << "parameter @" << param.getSymName()
                      << (key ? " has no checkpoint dtype"
                              : " has no checkpoint key");
    return failure();
  }
  ArrayRef<int64_t> shape = type.getShape();
  // A stacked key names one checkpoint tensor per slice of the leading dim.
  bool stacked = param.isStacked();
  int64_t slices = stacked ? shape.front() : 1;
  ArrayRef<int64_t> sliceShape = stacked ? shape.drop_front() : shape;
  auto [head, tail] = key->split('*');

  // One slice decodes in place from the mapped file; stacked slices are
  // gathered into one buffer first.
  std::vector<uint8_t> gathered;
  const TensorInfo *info = nullptr;
  for (int64_t i = 0; i < slices; ++i) {
    std::string name =
        stacked ? (head + std::to_string(i) + tail).str() : key->str();
    info = checkpoint.find(name);
    if (!info) {
      user->emitError() << "parameter @" << param.getSymName() << ": tensor '"
                        << name << "' is missing from the checkpoint";
      return failure();
    }
    if (!matchesType(RankedTensorType::get(sliceShape, type.getElementType()),
                     info->dtype, info->shape)) {
      user->emitError() << "parameter @" << param.getSymName() << ": tensor '"
                        << name << "' is " << dtypeName(info->dtype)
                        << cpu::shapeToString(info->shape) << ", expected "
                        << dtypeName(*dtype) << shapeText(sliceShape);
      return failure();
    }
    if (stacked)
      gathered.insert(gathered.end(), info->data, info->data + info->size);
  }
  const uint8_t *data = stacked ? gathered.data() : info->data;
  size_t size = stacked ? gathered.size() : info->size;
  return check(cpu::Tensor::decode(
                   *dtype, cpu::Shape(shape.begin(), shape.end()), data, size),
               user);
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

LogicalResult EvalContext::bind(Value v, std::shared_ptr<const cpu::Tensor> t,
                                Operation *op) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!matchesType(type, t->dtype(), t->shape()))
    return op->emitError() << "internal error: computed " << t->typeString()
                           << " for a result of type " << type;
  values[v].tensor = std::move(t);
  return success();
}

//===----------------------------------------------------------------------===//
// evaluate
//===----------------------------------------------------------------------===//

FailureOr<std::vector<cpu::Tensor>>
ds::interp::evaluate(func::FuncOp func, ArrayRef<cpu::Tensor> args,
                     WeightStore &weights) {
  EvalContext ctx(weights);
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
    if (failed(ctx.bind(arg, value, func)))
      return failure();
  }

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
    for (Value operand : op.getOperands()) {
      bool laterUse = llvm::any_of(operand.getUsers(), [&](Operation *user) {
        return user != &op && op.isBeforeInBlock(user);
      });
      if (!laterUse)
        ctx.release(operand);
    }
  }
  return func.emitError() << "function has no func.return";
}
