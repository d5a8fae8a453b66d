//===- EvalTensorOps.cpp - tensor dialect ops on the CPU ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The data-movement ops the importer emits between moe ops: tensor.dim,
// expand_shape / collapse_shape, extract_slice, concat, splat and empty. Each
// resolves its static and dynamic sizes and calls one op of the CPU
// reference (ds/cpu/tensor_ops.h), which checks every size, offset and stride.
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

#include "ds/cpu/tensor_ops.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ds;
using namespace ds::interp;

/// Resolves static sizes and `index` operands to numbers.
static FailureOr<cpu::Shape> resolve(ArrayRef<OpFoldResult> sizes,
                                     EvalContext &ctx, Operation *op) {
  cpu::Shape shape;
  for (OpFoldResult size : sizes) {
    if (auto attr = dyn_cast<Attribute>(size)) {
      shape.push_back(cast<IntegerAttr>(attr).getInt());
      continue;
    }
    std::optional<int64_t> value = ctx.index(cast<Value>(size), op);
    if (!value)
      return failure();
    shape.push_back(*value);
  }
  return shape;
}

/// The shape of `type` with its dynamic dims taken from `dynamic`, in order.
static FailureOr<cpu::Shape> resolveType(RankedTensorType type,
                                         ValueRange dynamic, EvalContext &ctx,
                                         Operation *op) {
  cpu::Shape shape;
  auto next = dynamic.begin();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      shape.push_back(type.getDimSize(d));
      continue;
    }
    if (next == dynamic.end())
      return op->emitError() << "internal error: too few dynamic sizes";
    std::optional<int64_t> size = ctx.index(*next++, op);
    if (!size)
      return failure();
    shape.push_back(*size);
  }
  return shape;
}

static LogicalResult evalExtractSlice(tensor::ExtractSliceOp slice,
                                      EvalContext &ctx) {
  Operation *op = slice;
  const cpu::Tensor *src = ctx.tensor(slice.getSource(), op);
  if (!src)
    return failure();
  FailureOr<cpu::Shape> offsets = resolve(slice.getMixedOffsets(), ctx, op);
  FailureOr<cpu::Shape> sizes = resolve(slice.getMixedSizes(), ctx, op);
  FailureOr<cpu::Shape> strides = resolve(slice.getMixedStrides(), ctx, op);
  if (failed(offsets) || failed(sizes) || failed(strides))
    return failure();
  std::vector<int64_t> dropped;
  for (int d : slice.getDroppedDims().set_bits())
    dropped.push_back(d);
  // Sizes are checked against the source before any element is read, so
  // the result is never larger than the source: no budget check needed
  // before the call.
  return ctx.bind(slice.getResult(),
                  cpu::extractSlice(*src, *offsets, *sizes, *strides, dropped),
                  op);
}

static LogicalResult evalConcat(tensor::ConcatOp concat, EvalContext &ctx) {
  Operation *op = concat;
  std::vector<const cpu::Tensor *> inputs;
  for (Value v : concat.getInputs()) {
    const cpu::Tensor *t = ctx.tensor(v, op);
    if (!t)
      return failure();
    inputs.push_back(t);
  }
  return ctx.bind(concat.getResult(),
                  cpu::concat(inputs, static_cast<int64_t>(concat.getDim())),
                  op);
}

static LogicalResult evalSplat(tensor::SplatOp splat, EvalContext &ctx) {
  Operation *op = splat;
  FailureOr<cpu::Shape> shape =
      resolveType(splat.getType(), splat.getDynamicSizes(), ctx, op);
  if (failed(shape))
    return failure();
  DType dtype = elementDType(splat.getResult());
  if (failed(ctx.checkAllocation(op, dtype, *shape)))
    return failure();
  if (isFloatDType(dtype)) {
    std::optional<double> x = ctx.real(splat.getInput(), op);
    if (!x)
      return failure();
    return ctx.bind(splat.getResult(), cpu::splatFloat(dtype, *shape, *x), op);
  }
  std::optional<int64_t> x = ctx.index(splat.getInput(), op);
  if (!x)
    return failure();
  return ctx.bind(splat.getResult(), cpu::splatInt(dtype, *shape, *x), op);
}

static LogicalResult evalEmpty(tensor::EmptyOp empty, EvalContext &ctx) {
  Operation *op = empty;
  FailureOr<cpu::Shape> shape =
      resolveType(empty.getType(), empty.getDynamicSizes(), ctx, op);
  if (failed(shape))
    return failure();
  DType dtype = elementDType(empty.getResult());
  if (failed(ctx.checkAllocation(op, dtype, *shape)))
    return failure();
  return ctx.bind(empty.getResult(), cpu::empty(dtype, *shape), op);
}

LogicalResult ds::interp::evalTensorOp(Operation *op, EvalContext &ctx,
                                       bool &handled) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](tensor::DimOp dim) -> LogicalResult {
        const cpu::Tensor *t = ctx.tensor(dim.getSource(), op);
        std::optional<int64_t> i = ctx.index(dim.getIndex(), op);
        if (!t || !i)
          return failure();
        FailureOr<int64_t> size = check(cpu::dimSize(*t, *i), op);
        if (failed(size))
          return failure();
        ctx.bindIndex(dim.getResult(), *size);
        return success();
      })
      .Case([&](tensor::ExpandShapeOp expand) -> LogicalResult {
        const cpu::Tensor *t = ctx.tensor(expand.getSrc(), op);
        FailureOr<cpu::Shape> shape =
            resolve(expand.getMixedOutputShape(), ctx, op);
        if (!t || failed(shape))
          return failure();
        return ctx.bind(expand.getResult(), cpu::reshape(*t, *shape), op);
      })
      .Case([&](tensor::CollapseShapeOp collapse) -> LogicalResult {
        const cpu::Tensor *t = ctx.tensor(collapse.getSrc(), op);
        if (!t)
          return failure();
        std::vector<std::vector<int64_t>> groups;
        for (ReassociationIndices group : collapse.getReassociationIndices())
          groups.emplace_back(group.begin(), group.end());
        return ctx.bind(collapse.getResult(), cpu::collapseShape(*t, groups),
                        op);
      })
      .Case([&](tensor::ExtractSliceOp slice) {
        return evalExtractSlice(slice, ctx);
      })
      .Case([&](tensor::ConcatOp concat) { return evalConcat(concat, ctx); })
      .Case([&](tensor::SplatOp splat) { return evalSplat(splat, ctx); })
      .Case([&](tensor::EmptyOp empty) { return evalEmpty(empty, ctx); })
      .Default([&](Operation *) {
        handled = false;
        return failure();
      });
}
