//===- EvalArithOps.cpp - arith ops on the CPU ----------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Constants (index, float and integer scalars; dense tensors) and elementwise
// float arithmetic on tensors: computed in fp32, rounded to the result type,
// as a framework computing in that dtype does.
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace ds;
using namespace ds::interp;

static LogicalResult evalConstant(arith::ConstantOp constant,
                                  EvalContext &ctx) {
  Operation *op = constant;
  Attribute value = constant.getValue();
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    ctx.bindIndex(constant.getResult(), i.getValue().getSExtValue());
    return success();
  }
  if (auto f = dyn_cast<FloatAttr>(value)) {
    ctx.bindReal(constant.getResult(), f.getValueAsDouble());
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  if (!dense || !type || !type.hasStaticShape())
    return op->emitError() << "ds-interp evaluates scalar and dense tensor "
                              "constants only";
  cpu::Shape shape(type.getShape().begin(), type.getShape().end());
  DType dtype = elementDType(constant.getResult());
  if (isFloatDType(dtype)) {
    std::vector<float> values;
    for (APFloat x : dense.getValues<APFloat>())
      values.push_back(static_cast<float>(x.convertToDouble()));
    return ctx.bind(constant.getResult(),
                    cpu::Tensor::floats(dtype, shape, std::move(values)), op);
  }
  std::vector<int64_t> values;
  for (APInt x : dense.getValues<APInt>())
    values.push_back(x.getSExtValue());
  return ctx.bind(constant.getResult(),
                  cpu::Tensor::ints(dtype, shape, std::move(values)), op);
}

/// Elementwise `fn` over float tensors of equal shape, rounded to the result
/// dtype.
static LogicalResult elementwise(Operation *op, EvalContext &ctx,
                                 const std::function<float(float, float)> &fn) {
  if (!isa<RankedTensorType>(op->getResult(0).getType()))
    return op->emitError() << "ds-interp evaluates '" << op->getName()
                           << "' on tensors only";
  std::vector<const cpu::Tensor *> in;
  for (Value v : op->getOperands()) {
    const cpu::Tensor *t = ctx.tensor(v, op);
    if (!t)
      return failure();
    in.push_back(t);
  }
  for (const cpu::Tensor *t : in)
    if (!t->isFloat() || t->shape() != in.front()->shape())
      return op->emitError()
             << "operands " << in.front()->typeString() << " and "
             << t->typeString() << " are not float tensors of one shape";
  const std::vector<float> &a = in.front()->f();
  const std::vector<float> &b = in.back()->f();
  std::vector<float> values(a.size());
  for (size_t j = 0; j < a.size(); ++j)
    values[j] = fn(a[j], b[j]);
  DType dtype = elementDType(op->getResult(0));
  return ctx.bind(
      op->getResult(0),
      cpu::Tensor::floats(dtype, in.front()->shape(), std::move(values)), op);
}

LogicalResult ds::interp::evalArithOp(Operation *op, EvalContext &ctx,
                                      bool &handled) {
  auto unary = [&](std::function<float(float)> fn) {
    return elementwise(op, ctx, [fn](float x, float) { return fn(x); });
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::ConstantOp c) { return evalConstant(c, ctx); })
      .Case([&](arith::AddFOp) {
        return elementwise(op, ctx, std::plus<float>());
      })
      .Case([&](arith::SubFOp) {
        return elementwise(op, ctx, std::minus<float>());
      })
      .Case([&](arith::MulFOp) {
        return elementwise(op, ctx, std::multiplies<float>());
      })
      .Case([&](arith::DivFOp) {
        return elementwise(op, ctx, std::divides<float>());
      })
      // maximumf/minimumf propagate NaN (unlike maxnumf/minnumf).
      .Case([&](arith::MaximumFOp) {
        return elementwise(op, ctx, [](float a, float b) {
          return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
        });
      })
      .Case([&](arith::MinimumFOp) {
        return elementwise(op, ctx, [](float a, float b) {
          return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
        });
      })
      .Case([&](arith::NegFOp) { return unary([](float x) { return -x; }); })
      // Casts: the value is rounded to the result dtype by Tensor::floats.
      .Case<arith::ExtFOp, arith::TruncFOp>(
          [&](Operation *) { return unary([](float x) { return x; }); })
      .Default([&](Operation *) {
        handled = false;
        return failure();
      });
}
