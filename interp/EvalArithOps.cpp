//===- EvalArithOps.cpp - arith ops on the CPU ----------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Constants (index, float and integer scalars; dense tensors) and elementwise
// float arithmetic on tensors, each one call of the CPU reference
// (ds/cpu/elementwise.h, ds/cpu/tensor_ops.h).
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "ds/cpu/elementwise.h"
#include "ds/cpu/tensor_ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/TypeSwitch.h"

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
  cpu::Shape shape = type.getShape().vec();
  DType dtype = elementDType(constant.getResult());
  // The size comes from the type: refuse it before allocating (a splat
  // holds one value however large its type is).
  if (failed(ctx.checkAllocation(op, dtype, shape)))
    return failure();
  Value result = constant.getResult();
  if (dense.isSplat())
    return ctx.bind(
        result,
        isFloatDType(dtype)
            ? cpu::splatFloat(dtype, shape,
                              dense.getSplatValue<APFloat>().convertToDouble())
            : cpu::splatInt(dtype, shape,
                            dense.getSplatValue<APInt>().getSExtValue()),
        op);
  if (isFloatDType(dtype)) {
    std::vector<float> values;
    for (APFloat x : dense.getValues<APFloat>())
      values.push_back(static_cast<float>(x.convertToDouble()));
    return ctx.bind(result,
                    cpu::constantFloats(dtype, shape, std::move(values)), op);
  }
  std::vector<int64_t> values;
  for (APInt x : dense.getValues<APInt>())
    values.push_back(x.getSExtValue());
  return ctx.bind(result, cpu::constantInts(dtype, shape, std::move(values)),
                  op);
}

/// Elementwise `fn` over float tensors of one shape.
static LogicalResult evalBinary(Operation *op, EvalContext &ctx,
                                cpu::BinaryFn fn) {
  if (!isa<RankedTensorType>(op->getResult(0).getType()))
    return op->emitError() << "ds-interp evaluates '" << op->getName()
                           << "' on tensors only";
  const cpu::Tensor *a = ctx.tensor(op->getOperand(0), op);
  const cpu::Tensor *b = ctx.tensor(op->getOperand(1), op);
  if (!a || !b)
    return failure();
  return ctx.bind(op->getResult(0),
                  cpu::binary(fn, *a, *b, elementDType(op->getResult(0))), op);
}

static LogicalResult evalUnary(Operation *op, EvalContext &ctx,
                               cpu::UnaryFn fn) {
  if (!isa<RankedTensorType>(op->getResult(0).getType()))
    return op->emitError() << "ds-interp evaluates '" << op->getName()
                           << "' on tensors only";
  const cpu::Tensor *a = ctx.tensor(op->getOperand(0), op);
  if (!a)
    return failure();
  return ctx.bind(op->getResult(0),
                  cpu::unary(fn, *a, elementDType(op->getResult(0))), op);
}

LogicalResult ds::interp::evalArithOp(Operation *op, EvalContext &ctx,
                                      bool &handled) {
  using cpu::BinaryFn;
  auto binary = [&](BinaryFn fn) { return evalBinary(op, ctx, fn); };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::ConstantOp c) { return evalConstant(c, ctx); })
      .Case([&](arith::AddFOp) { return binary(BinaryFn::Add); })
      .Case([&](arith::SubFOp) { return binary(BinaryFn::Sub); })
      .Case([&](arith::MulFOp) { return binary(BinaryFn::Mul); })
      .Case([&](arith::DivFOp) { return binary(BinaryFn::Div); })
      .Case([&](arith::MaximumFOp) { return binary(BinaryFn::Maximum); })
      .Case([&](arith::MinimumFOp) { return binary(BinaryFn::Minimum); })
      .Case(
          [&](arith::NegFOp) { return evalUnary(op, ctx, cpu::UnaryFn::Neg); })
      .Case<arith::ExtFOp, arith::TruncFOp>(
          [&](Operation *) { return evalUnary(op, ctx, cpu::UnaryFn::Cast); })
      .Default([&](Operation *) {
        handled = false;
        return failure();
      });
}
