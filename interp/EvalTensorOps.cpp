//===- EvalTensorOps.cpp - tensor dialect ops on the CPU ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The data-movement ops the importer emits between moe ops: tensor.dim,
// expand_shape / collapse_shape (reshapes of row-major data), extract_slice,
// concat and splat.
//
//===----------------------------------------------------------------------===//

#include "interp/EvalContext.h"

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

/// The row-major strides of `shape`.
static cpu::Shape stridesOf(const cpu::Shape &shape) {
  cpu::Shape strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// A tensor of `source`'s dtype and `shape` whose element `j` is
/// `source[index(j)]`; `index` maps a flat result index to a flat source one.
template <typename IndexFn>
static cpu::Tensor gather(const cpu::Tensor &source, cpu::Shape shape,
                          IndexFn index) {
  int64_t n = cpu::numElements(shape);
  if (source.isFloat()) {
    std::vector<float> values(n);
    for (int64_t j = 0; j < n; ++j)
      values[j] = source.f()[index(j)];
    return cpu::Tensor::floats(source.dtype(), std::move(shape),
                               std::move(values));
  }
  std::vector<int64_t> values(n);
  for (int64_t j = 0; j < n; ++j)
    values[j] = source.i()[index(j)];
  return cpu::Tensor::ints(source.dtype(), std::move(shape), std::move(values));
}

static LogicalResult reshape(Operation *op, EvalContext &ctx, Value src,
                             Value result, cpu::Shape shape) {
  const cpu::Tensor *t = ctx.tensor(src, op);
  if (!t)
    return failure();
  FailureOr<cpu::Tensor> reshaped = check(t->reshaped(std::move(shape)), op);
  if (failed(reshaped))
    return failure();
  return ctx.bind(result, std::move(*reshaped), op);
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
  const cpu::Shape &srcShape = src->shape();
  for (size_t d = 0; d < srcShape.size(); ++d) {
    int64_t last = (*offsets)[d] + ((*sizes)[d] - 1) * (*strides)[d];
    if ((*sizes)[d] < 0 || (*offsets)[d] < 0 ||
        ((*sizes)[d] > 0 && (last < 0 || last >= srcShape[d])))
      return op->emitError()
             << "slice of dim " << d << " (offset " << (*offsets)[d]
             << ", size " << (*sizes)[d] << ", stride " << (*strides)[d]
             << ") is outside the source size " << srcShape[d];
  }
  cpu::Shape srcStrides = stridesOf(srcShape);
  cpu::Shape sliceStrides = stridesOf(*sizes);
  cpu::Tensor full = gather(*src, *sizes, [&](int64_t j) {
    int64_t flat = 0;
    for (size_t d = 0; d < sizes->size(); ++d) {
      int64_t i = (j / sliceStrides[d]) % (*sizes)[d];
      flat += ((*offsets)[d] + i * (*strides)[d]) * srcStrides[d];
    }
    return flat;
  });
  // A rank-reducing slice drops unit dims.
  cpu::Shape resultShape;
  llvm::SmallBitVector dropped = slice.getDroppedDims();
  for (size_t d = 0; d < sizes->size(); ++d)
    if (!dropped.test(d))
      resultShape.push_back((*sizes)[d]);
  FailureOr<cpu::Tensor> result = check(full.reshaped(resultShape), op);
  if (failed(result))
    return failure();
  return ctx.bind(slice.getResult(), std::move(*result), op);
}

static LogicalResult evalConcat(tensor::ConcatOp concat, EvalContext &ctx) {
  Operation *op = concat;
  int64_t dim = concat.getDim();
  std::vector<const cpu::Tensor *> inputs;
  for (Value v : concat.getInputs()) {
    const cpu::Tensor *t = ctx.tensor(v, op);
    if (!t)
      return failure();
    inputs.push_back(t);
  }
  cpu::Shape shape = inputs.front()->shape();
  shape[dim] = 0;
  for (const cpu::Tensor *t : inputs) {
    for (int64_t d = 0; d < t->rank(); ++d)
      if (d != dim && t->dim(d) != shape[d])
        return op->emitError() << "concatenated operands disagree in dim " << d
                               << ": " << t->dim(d) << " vs " << shape[d];
    shape[dim] += t->dim(dim);
  }
  // Row-major: the result is `outer` blocks, each the concatenation of one
  // inner block (dims dim.. of each input).
  int64_t outer = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  const cpu::Tensor &first = *inputs.front();
  std::vector<float> floats;
  std::vector<int64_t> ints;
  for (int64_t o = 0; o < outer; ++o) {
    for (const cpu::Tensor *t : inputs) {
      int64_t block = t->numel() / std::max<int64_t>(outer, 1);
      if (first.isFloat())
        floats.insert(floats.end(), t->f().begin() + o * block,
                      t->f().begin() + (o + 1) * block);
      else
        ints.insert(ints.end(), t->i().begin() + o * block,
                    t->i().begin() + (o + 1) * block);
    }
  }
  cpu::Tensor result =
      first.isFloat()
          ? cpu::Tensor::floats(first.dtype(), shape, std::move(floats))
          : cpu::Tensor::ints(first.dtype(), shape, std::move(ints));
  return ctx.bind(concat.getResult(), std::move(result), op);
}

static LogicalResult evalSplat(tensor::SplatOp splat, EvalContext &ctx) {
  Operation *op = splat;
  auto type = cast<RankedTensorType>(splat.getType());
  cpu::Shape shape;
  auto dynamic = splat.getDynamicSizes().begin();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d)) {
      shape.push_back(type.getDimSize(d));
      continue;
    }
    std::optional<int64_t> size = ctx.index(*dynamic++, op);
    if (!size)
      return failure();
    shape.push_back(*size);
  }
  DType dtype = elementDType(splat.getResult());
  int64_t n = cpu::numElements(shape);
  if (isFloatDType(dtype)) {
    std::optional<double> x = ctx.real(splat.getInput(), op);
    if (!x)
      return failure();
    return ctx.bind(
        splat.getResult(),
        cpu::Tensor::floats(dtype, shape, std::vector<float>(n, float(*x))),
        op);
  }
  std::optional<int64_t> x = ctx.index(splat.getInput(), op);
  if (!x)
    return failure();
  return ctx.bind(splat.getResult(),
                  cpu::Tensor::ints(dtype, shape, std::vector<int64_t>(n, *x)),
                  op);
}

LogicalResult ds::interp::evalTensorOp(Operation *op, EvalContext &ctx,
                                       bool &handled) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](tensor::DimOp dim) -> LogicalResult {
        const cpu::Tensor *t = ctx.tensor(dim.getSource(), op);
        std::optional<int64_t> i = ctx.index(dim.getIndex(), op);
        if (!t || !i)
          return failure();
        if (*i < 0 || *i >= t->rank())
          return op->emitError() << "dim index " << *i << " out of range for "
                                 << t->typeString();
        ctx.bindIndex(dim.getResult(), t->dim(*i));
        return success();
      })
      .Case([&](tensor::ExpandShapeOp expand) -> LogicalResult {
        FailureOr<cpu::Shape> shape =
            resolve(expand.getMixedOutputShape(), ctx, op);
        if (failed(shape))
          return failure();
        return reshape(op, ctx, expand.getSrc(), expand.getResult(), *shape);
      })
      .Case([&](tensor::CollapseShapeOp collapse) -> LogicalResult {
        const cpu::Tensor *t = ctx.tensor(collapse.getSrc(), op);
        if (!t)
          return failure();
        cpu::Shape shape;
        for (ReassociationIndices group : collapse.getReassociationIndices()) {
          int64_t size = 1;
          for (int64_t d : group)
            size *= t->dim(d);
          shape.push_back(size);
        }
        return reshape(op, ctx, collapse.getSrc(), collapse.getResult(), shape);
      })
      .Case([&](tensor::ExtractSliceOp slice) {
        return evalExtractSlice(slice, ctx);
      })
      .Case([&](tensor::ConcatOp concat) { return evalConcat(concat, ctx); })
      .Case([&](tensor::SplatOp splat) { return evalSplat(splat, ctx); })
      .Default([&](Operation *) {
        handled = false;
        return failure();
      });
}
