//===- MoeLowerToKernels.cpp - moe IR to kernel IR ------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Rebuilds each function on memrefs: one kernel launch per moe op, each
// writing a new `kernel.buffer` whose dynamic dim is a known multiple of the
// token count T (docs/compile-path.md §1). The sizes are read off the memrefs
// already built (kernel::getExtents), index values are tracked as extents, so
// every buffer's scale follows from its inputs. Anything that cannot be
// lowered is a located error; the old function stays until every op of it is
// lowered.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/kernel/KernelOps.h"
#include "dialects/kernel/KernelUtils.h"
#include "dialects/moe/MoeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"

namespace ds {
#define GEN_PASS_DEF_MOELOWERTOKERNELS
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds;
using ds::moe::detail::Extent;
using ds::moe::detail::formatExtent;

namespace {

constexpr StringLiteral kCannotLower = "'moe-lower-to-kernels' cannot lower ";

MemRefType toMemRef(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return {};
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

/// Lowers one function: builds its memref twin next to it, op by op.
class FunctionLowering {
public:
  explicit FunctionLowering(func::FuncOp func)
      : func(func), b(func.getContext()) {}

  /// Replaces `func` with its kernel form; on failure leaves it as it is
  /// (the error is emitted).
  LogicalResult run();

private:
  InFlightDiagnostic fail(Operation *op, const Twine &what) {
    return op->emitError(kCannotLower) << what;
  }
  InFlightDiagnostic failOp(Operation *op, const Twine &why) {
    return op->emitError(kCannotLower) << "'" << op->getName() << "': " << why;
  }

  LogicalResult lower(Operation *op);
  LogicalResult lowerReturn(func::ReturnOp op);

  /// The memref a tensor value was lowered to (null, with an error at `user`,
  /// when there is none).
  Value get(Operation *user, Value tensor);
  /// Maps the results of `op`.
  void set(Value tensor, Value memref) { values[tensor] = memref; }

  /// A new buffer of `tensorType`'s shape whose dynamic dim is scale·T.
  FailureOr<Value> buffer(Operation *op, Type tensorType, int64_t scale);
  /// The token scale of memref `v` (0 when static); fails when unknown.
  FailureOr<int64_t> scaleOf(Operation *op, Value v);
  /// A view of `source` with `type` at `offset` elements.
  Value view(Location loc, Value source, MemRefType type, int64_t offset) {
    return kernel::ViewOp::create(b, loc, type, source,
                                  b.getI64IntegerAttr(offset));
  }
  /// Verifies a launch just built for `op` (its shapes are the moe op's).
  LogicalResult check(Operation *op, Operation *launch);
  /// The extent an index value stands for.
  FailureOr<Extent> indexExtent(Operation *op, OpFoldResult size);
  /// Collapses a memref to [rows, last] by a view (rank-2 memrefs as they
  /// are, rank 1 to [1, last]).
  FailureOr<Value> as2D(Operation *op, Value memref);

  LogicalResult lowerLinear(moe::LinearOp op);
  LogicalResult lowerElementwise(Operation *op, kernel::ElementwiseFn fn);
  LogicalResult lowerReshape(Operation *op, Value source, Value result);
  LogicalResult lowerSlice(tensor::ExtractSliceOp op);
  LogicalResult lowerConcat(tensor::ConcatOp op);
  LogicalResult lowerFill(Operation *op, Type tensorType,
                          ArrayRef<OpFoldResult> sizes, double value);

  func::FuncOp func;
  OpBuilder b;
  func::FuncOp lowered;
  DenseMap<Value, Value> values;
  DenseMap<Value, Extent> indices;
  DenseMap<Value, double> scalars;
};

Value FunctionLowering::get(Operation *user, Value tensor) {
  auto it = values.find(tensor);
  if (it != values.end())
    return it->second;
  if (Operation *def = tensor.getDefiningOp())
    fail(user, "a use of the result of '") << def->getName() << "'";
  else
    fail(user, "a use of a value of type ") << tensor.getType();
  return {};
}

FailureOr<int64_t> FunctionLowering::scaleOf(Operation *op, Value v) {
  std::optional<int64_t> scale = kernel::getTokenScale(v);
  if (!scale) {
    failOp(op, "the token scale of an operand is unknown");
    return failure();
  }
  return *scale;
}

FailureOr<Value> FunctionLowering::buffer(Operation *op, Type tensorType,
                                          int64_t scale) {
  MemRefType type = toMemRef(tensorType);
  if (!type) {
    failOp(op, "a result of type ") << tensorType << " is no ranked tensor";
    return failure();
  }
  if (failed(kernel::verifyKernelMemRef([&] { return failOp(op, ""); }, type,
                                        "result type")))
    return failure();
  if (type.hasStaticShape())
    return kernel::BufferOp::create(b, op->getLoc(), type, IntegerAttr(),
                                    DenseI64ArrayAttr())
        .getResult();
  if (scale <= 0) {
    failOp(op, "the dynamic size of ")
        << tensorType << " is not a multiple of the token count";
    return failure();
  }
  return kernel::BufferOp::create(b, op->getLoc(), type,
                                  b.getI64IntegerAttr(scale),
                                  DenseI64ArrayAttr())
      .getResult();
}

LogicalResult FunctionLowering::check(Operation *op, Operation *launch) {
  if (succeeded(mlir::verify(launch)))
    return success();
  failOp(op, "its kernel op does not verify (see the error above)");
  return failure();
}

FailureOr<Extent> FunctionLowering::indexExtent(Operation *op,
                                                OpFoldResult size) {
  if (std::optional<int64_t> c = getConstantIntValue(size))
    return Extent::of(*c);
  auto it = indices.find(cast<Value>(size));
  if (it == indices.end() || !it->second.isKnown()) {
    failOp(op, "a dynamic size that is not a multiple of the token count");
    return failure();
  }
  return it->second;
}

FailureOr<Value> FunctionLowering::as2D(Operation *op, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  if (type.getRank() == 2)
    return memref;
  if (type.getRank() < 1) {
    failOp(op, "a rank-0 operand");
    return failure();
  }
  int64_t rows = 1;
  for (int64_t dim : type.getShape().drop_back())
    rows = ShapedType::isDynamic(dim) || ShapedType::isDynamic(rows)
               ? ShapedType::kDynamic
               : rows * dim;
  auto flat =
      MemRefType::get({rows, type.getShape().back()}, type.getElementType());
  return view(op->getLoc(), memref, flat, 0);
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

LogicalResult FunctionLowering::lowerLinear(moe::LinearOp op) {
  Value input = get(op, op.getInput()), weight = get(op, op.getWeight());
  if (!input || !weight)
    return failure();
  FailureOr<Value> a = as2D(op, input);
  if (failed(a))
    return failure();
  FailureOr<int64_t> scale = scaleOf(op, *a);
  if (failed(scale))
    return failure();
  // One [rows, N_i] buffer per result (one, or one per split segment).
  SmallVector<Value> outs;
  for (Value res : op.getResults()) {
    auto result = cast<RankedTensorType>(res.getType());
    int64_t rows = 1;
    for (int64_t dim : result.getShape().drop_back())
      rows = ShapedType::isDynamic(dim) || ShapedType::isDynamic(rows)
                 ? ShapedType::kDynamic
                 : rows * dim;
    auto c2 = RankedTensorType::get({rows, result.getShape().back()},
                                    result.getElementType());
    FailureOr<Value> c = buffer(op, c2, *scale);
    if (failed(c))
      return failure();
    outs.push_back(*c);
  }
  SmallVector<Value> ins{*a, weight};
  if (Value scales = op.getScales())
    ins.push_back(get(op, scales));
  if (Value bias = op.getBias())
    ins.push_back(get(op, bias));
  if (llvm::is_contained(ins, Value()))
    return failure();
  ArrayRef<int64_t> split;
  if (std::optional<ArrayRef<int64_t>> s = op.getSplit())
    split = *s;
  auto gemm = kernel::GemmOp::create(
      b, op.getLoc(), ins, outs, op.getQuantAttr(),
      kernel::EpilogueAttr::get(b.getContext(), op.getBias() != nullptr,
                                op.getSwiglu(), split),
      ArrayAttr());
  if (failed(check(op, gemm)))
    return failure();
  for (auto [res, c] : llvm::zip_equal(op.getResults(), outs)) {
    auto result = cast<RankedTensorType>(res.getType());
    Value out = c;
    if (result.getRank() != 2)
      out = view(op.getLoc(), out, toMemRef(result), 0);
    set(res, out);
  }
  return success();
}

LogicalResult FunctionLowering::lowerElementwise(Operation *op,
                                                 kernel::ElementwiseFn fn) {
  if (op->getNumResults() != 1 ||
      !isa<RankedTensorType>(op->getResult(0).getType()))
    return failOp(op, "it has no single ranked tensor result");
  SmallVector<Value> ins;
  for (Value operand : op->getOperands()) {
    Value in = get(op, operand);
    if (!in)
      return failure();
    ins.push_back(in);
  }
  FailureOr<int64_t> scale = scaleOf(op, ins.front());
  if (failed(scale))
    return failure();
  FailureOr<Value> y = buffer(op, op->getResult(0).getType(), *scale);
  if (failed(y))
    return failure();
  auto launch = kernel::ElementwiseOp::create(b, op->getLoc(), ins,
                                              ValueRange{*y}, fn, ArrayAttr());
  if (failed(check(op, launch)))
    return failure();
  set(op->getResult(0), *y);
  return success();
}

/// expand_shape and collapse_shape: a view, whose derived token scale must
/// be the one the op's sizes say.
LogicalResult FunctionLowering::lowerReshape(Operation *op, Value source,
                                             Value result) {
  Value src = get(op, source);
  if (!src)
    return failure();
  MemRefType type = toMemRef(result.getType());
  if (!type || failed(kernel::verifyKernelMemRef([&] { return failOp(op, ""); },
                                                 type, "result type")))
    return failure();
  Value v = view(op->getLoc(), src, type, 0);
  if (failed(check(op, v.getDefiningOp())))
    return failure();
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    for (auto [i, size] : llvm::enumerate(expand.getMixedOutputShape())) {
      if (!type.isDynamicDim(i))
        continue;
      FailureOr<Extent> expected = indexExtent(op, size);
      if (failed(expected))
        return failure();
      Extent actual = kernel::getExtent(v, i);
      if (!ds::moe::detail::extentsCompatible(actual, *expected) ||
          !actual.isKnown())
        return failOp(op, "its dynamic size ")
               << formatExtent(*expected) << " is no contiguous view ("
               << formatExtent(actual) << ")";
    }
  }
  set(result, v);
  return success();
}

LogicalResult FunctionLowering::lowerSlice(tensor::ExtractSliceOp op) {
  Value src = get(op, op.getSource());
  if (!src)
    return failure();
  auto srcType = cast<MemRefType>(src.getType());
  int64_t rank = srcType.getRank();
  SmallVector<int64_t> offsets, strides, sizes;
  for (OpFoldResult ofr : op.getMixedOffsets()) {
    std::optional<int64_t> c = getConstantIntValue(ofr);
    if (!c)
      return failOp(op, "a dynamic offset");
    offsets.push_back(*c);
  }
  for (OpFoldResult ofr : op.getMixedStrides()) {
    std::optional<int64_t> c = getConstantIntValue(ofr);
    if (!c)
      return failOp(op, "a dynamic stride");
    strides.push_back(*c);
  }
  for (auto [i, ofr] : llvm::enumerate(op.getMixedSizes())) {
    FailureOr<Extent> size = indexExtent(op, ofr);
    if (failed(size))
      return failure();
    if (!size->isDynamic()) {
      sizes.push_back(size->size);
      continue;
    }
    // A dynamic size spans the whole (token) dim of the source.
    if (!srcType.isDynamicDim(i) ||
        !ds::moe::detail::extentsCompatible(*size, kernel::getExtent(src, i)))
      return failOp(op, "the dynamic size ")
             << formatExtent(*size) << " of dim " << i
             << " is not the source's whole token dim";
    sizes.push_back(ShapedType::kDynamic);
  }
  auto full = [&](int64_t i) {
    return offsets[i] == 0 && (strides[i] == 1 || sizes[i] == 1) &&
           sizes[i] == srcType.getDimSize(i);
  };
  // Contiguous: every dim after the first sliced one is full, every dim
  // before it has size 1, the sliced one has stride 1.
  int64_t first = 0;
  while (first < rank && full(first))
    ++first;
  bool contiguous = true;
  for (int64_t i = first + 1; i < rank; ++i)
    contiguous &= full(i);
  for (int64_t i = 0; i < first && i < rank; ++i)
    contiguous &= sizes[i] == 1;
  if (first < rank)
    contiguous &= strides[first] == 1 || sizes[first] == 1;
  MemRefType resultType = toMemRef(op.getResult().getType());
  FailureOr<int64_t> scale = scaleOf(op, src);
  if (failed(scale))
    return failure();
  if (contiguous) {
    // The element offset of the box's first element (static dims only: a
    // dynamic dim is whole, at offset 0).
    int64_t offset = 0, stride = 1;
    for (int64_t i = rank - 1; i >= 0; --i) {
      offset += offsets[i] * stride;
      stride = srcType.isDynamicDim(i) ? 0 : stride * srcType.getDimSize(i);
    }
    kernel::ElementCount srcCount = kernel::getElementCount(srcType, *scale);
    int64_t rows = resultType.hasStaticShape()
                       ? 0
                       : kernel::getElementCount(resultType, 1).perToken;
    kernel::ElementCount resCount =
        resultType.hasStaticShape()
            ? kernel::getElementCount(resultType, 0)
            : kernel::getElementCount(resultType,
                                      rows > 0 ? srcCount.perToken / rows : 0);
    // A view must fit the source for every T (a static box of a dynamic
    // source does not); such slices are copied.
    if (resCount.perToken <= srcCount.perToken &&
        resCount.fixed + offset <= srcCount.fixed) {
      Value v = view(op.getLoc(), src, resultType, offset);
      if (failed(check(op, v.getDefiningOp())))
        return failure();
      set(op.getResult(), v);
      return success();
    }
  }
  // A copy into a buffer of the box's (unreduced) shape.
  SmallVector<int64_t> boxShape(sizes);
  auto boxTensor = RankedTensorType::get(
      boxShape,
      cast<RankedTensorType>(op.getResult().getType()).getElementType());
  FailureOr<Value> dst = buffer(op, boxTensor, *scale);
  if (failed(dst))
    return failure();
  auto copy = kernel::CopyOp::create(
      b, op.getLoc(), ValueRange{src}, ValueRange{*dst}, offsets, strides,
      sizes, SmallVector<int64_t>(rank, 0), ArrayAttr());
  if (failed(check(op, copy)))
    return failure();
  Value out = *dst;
  if (resultType != dst->getType()) {
    out = view(op.getLoc(), out, resultType, 0);
    if (failed(check(op, out.getDefiningOp())))
      return failure();
  }
  set(op.getResult(), out);
  return success();
}

LogicalResult FunctionLowering::lowerConcat(tensor::ConcatOp op) {
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  int64_t dim = op.getDim();
  if (resultType.isDynamicDim(dim))
    return failOp(op, "a concat along the dynamic (token) dim");
  Value first = get(op, op.getInputs().front());
  if (!first)
    return failure();
  FailureOr<int64_t> scale = scaleOf(op, first);
  if (failed(scale))
    return failure();
  FailureOr<Value> dst = buffer(op, resultType, *scale);
  if (failed(dst))
    return failure();
  int64_t rank = resultType.getRank(), at = 0;
  for (Value input : op.getInputs()) {
    Value src = get(op, input);
    if (!src)
      return failure();
    auto srcType = cast<MemRefType>(src.getType());
    SmallVector<int64_t> dstOffsets(rank, 0);
    dstOffsets[dim] = at;
    auto copy = kernel::CopyOp::create(
        b, op.getLoc(), ValueRange{src}, ValueRange{*dst},
        SmallVector<int64_t>(rank, 0), SmallVector<int64_t>(rank, 1),
        srcType.getShape(), dstOffsets, ArrayAttr());
    if (failed(check(op, copy)))
      return failure();
    at += srcType.getDimSize(dim);
  }
  set(op.getResult(), *dst);
  return success();
}

LogicalResult FunctionLowering::lowerFill(Operation *op, Type tensorType,
                                          ArrayRef<OpFoldResult> dynamicSizes,
                                          double value) {
  auto type = dyn_cast<RankedTensorType>(tensorType);
  if (!type)
    return failOp(op, "an unranked result");
  int64_t scale = 0;
  for (OpFoldResult size : dynamicSizes) {
    FailureOr<Extent> extent = indexExtent(op, size);
    if (failed(extent))
      return failure();
    scale = extent->tokenScale;
  }
  FailureOr<Value> dst = buffer(op, type, scale);
  if (failed(dst))
    return failure();
  auto fill =
      kernel::FillOp::create(b, op->getLoc(), ValueRange{}, ValueRange{*dst},
                             b.getF64FloatAttr(value), ArrayAttr());
  if (failed(check(op, fill)))
    return failure();
  set(op->getResult(0), *dst);
  return success();
}

/// The value of a scalar or splat constant as a double.
static std::optional<double> constantValue(Attribute attr) {
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    attr = splat.getSplatValue<Attribute>();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    if (!i.getType().isIndex())
      return static_cast<double>(i.getValue().getSExtValue());
  return std::nullopt;
}

LogicalResult FunctionLowering::lower(Operation *op) {
  using kernel::ElementwiseFn;
  Location loc = op->getLoc();
  auto scaleOfInput = [&](Value memref) { return scaleOf(op, memref); };
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](arith::ConstantOp c) -> LogicalResult {
        if (c.getType().isIndex()) {
          indices[c] = Extent::of(cast<IntegerAttr>(c.getValue()).getInt());
          return success();
        }
        std::optional<double> value = constantValue(c.getValue());
        if (!value)
          return failOp(op, "a constant that is no scalar or splat");
        if (isa<RankedTensorType>(c.getType()))
          return lowerFill(op, c.getType(), {}, *value);
        scalars[c] = *value;
        return success();
      })
      .Case([&](tensor::DimOp d) -> LogicalResult {
        std::optional<int64_t> index = d.getConstantIndex();
        Value src = get(op, d.getSource());
        if (!src)
          return failure();
        if (!index || *index < 0 ||
            *index >= cast<MemRefType>(src.getType()).getRank())
          return failOp(op, "a dim index that is no constant in range");
        indices[d] = kernel::getExtent(src, *index);
        return success();
      })
      .Case([&](moe::LoadOp l) -> LogicalResult {
        MemRefType type = toMemRef(l.getType());
        set(l, kernel::WeightOp::create(b, loc, type, l.getParameterAttr()));
        return success();
      })
      .Case([&](moe::EmbeddingOp e) -> LogicalResult {
        Value table = get(op, e.getTable()), ids = get(op, e.getIds());
        if (!table || !ids)
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(ids);
        if (failed(scale))
          return failure();
        FailureOr<Value> y = buffer(op, e.getType(), *scale);
        if (failed(y))
          return failure();
        auto k = kernel::EmbeddingOp::create(b, loc, ValueRange{table, ids},
                                             ValueRange{*y}, ArrayAttr());
        set(e, *y);
        return check(op, k);
      })
      .Case([&](moe::RMSNormOp n) -> LogicalResult {
        Value x = get(op, n.getInput()), w = get(op, n.getWeight());
        if (!x || !w)
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(x);
        if (failed(scale))
          return failure();
        FailureOr<Value> y = buffer(op, n.getType(), *scale);
        if (failed(y))
          return failure();
        auto k =
            kernel::NormOp::create(b, loc, ValueRange{x, w}, ValueRange{*y},
                                   n.getEpsAttr(), ArrayAttr());
        set(n, *y);
        return check(op, k);
      })
      .Case([&](moe::AddRMSNormOp n) -> LogicalResult {
        Value x = get(op, n.getInput()), r = get(op, n.getResidual()),
              w = get(op, n.getWeight());
        if (!x || !r || !w)
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(x);
        if (failed(scale))
          return failure();
        FailureOr<Value> y = buffer(op, n.getResult().getType(), *scale);
        if (failed(y))
          return failure();
        FailureOr<Value> sum = buffer(op, n.getSum().getType(), *scale);
        if (failed(sum))
          return failure();
        auto k = kernel::NormOp::create(b, loc, ValueRange{x, r, w},
                                        ValueRange{*y, *sum}, n.getEpsAttr(),
                                        ArrayAttr());
        set(n.getResult(), *y);
        set(n.getSum(), *sum);
        return check(op, k);
      })
      .Case([&](moe::LinearOp l) { return lowerLinear(l); })
      .Case([&](moe::RopeOp r) -> LogicalResult {
        Value x = get(op, r.getInput()), pos = get(op, r.getPositions());
        if (!x || !pos)
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(x);
        if (failed(scale))
          return failure();
        FailureOr<Value> y = buffer(op, r.getType(), *scale);
        if (failed(y))
          return failure();
        auto k = kernel::RopeOp::create(
            b, loc, ValueRange{x, pos}, ValueRange{*y}, r.getStyleAttr(),
            r.getThetaAttr(), r.getScalingAttr(), ArrayAttr());
        set(r, *y);
        return check(op, k);
      })
      .Case([&](moe::AttentionOp a) -> LogicalResult {
        SmallVector<Value> ins;
        for (Value v : a->getOperands())
          ins.push_back(get(op, v));
        if (llvm::is_contained(ins, Value()))
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(ins.front());
        if (failed(scale))
          return failure();
        FailureOr<Value> o = buffer(op, a.getType(), *scale);
        if (failed(o))
          return failure();
        auto k = kernel::AttentionOp::create(
            b, loc, ins, ValueRange{*o}, a.getScaleAttr(), a.getWindowAttr(),
            a.getBlockSparseAttr(), ArrayAttr());
        set(a, *o);
        return check(op, k);
      })
      .Case([&](moe::RouterOp r) -> LogicalResult {
        SmallVector<Value> ins;
        for (Value v : r->getOperands())
          ins.push_back(get(op, v));
        if (llvm::is_contained(ins, Value()))
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(ins.front());
        if (failed(scale))
          return failure();
        FailureOr<Value> w = buffer(op, r.getWeights().getType(), *scale);
        if (failed(w))
          return failure();
        FailureOr<Value> ids = buffer(op, r.getIndices().getType(), *scale);
        if (failed(ids))
          return failure();
        auto k = kernel::RouterOp::create(b, loc, ins, ValueRange{*w, *ids},
                                          r.getConfigAttr(), ArrayAttr());
        set(r.getWeights(), *w);
        set(r.getIndices(), *ids);
        return check(op, k);
      })
      .Case([&](moe::DispatchOp d) -> LogicalResult {
        Value x = get(op, d.getInput()), idx = get(op, d.getIndices());
        if (!x || !idx)
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(x);
        if (failed(scale))
          return failure();
        int64_t topK = cast<MemRefType>(idx.getType()).getDimSize(1);
        int64_t rowsScale = *scale * topK;
        FailureOr<Value> rows =
            buffer(op, d.getPermuted().getType(), rowsScale);
        if (failed(rows))
          return failure();
        FailureOr<Value> perm = buffer(op, d.getPerm().getType(), rowsScale);
        if (failed(perm))
          return failure();
        FailureOr<Value> offs = buffer(op, d.getOffsets().getType(), 0);
        if (failed(offs))
          return failure();
        auto k = kernel::DispatchOp::create(b, loc, ValueRange{x, idx},
                                            ValueRange{*rows, *perm, *offs},
                                            ArrayAttr());
        set(d.getPermuted(), *rows);
        set(d.getPerm(), *perm);
        set(d.getOffsets(), *offs);
        return check(op, k);
      })
      .Case([&](moe::GroupedMatmulOp g) -> LogicalResult {
        SmallVector<Value> ins;
        for (Value v : g->getOperands())
          ins.push_back(get(op, v));
        if (llvm::is_contained(ins, Value()))
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(ins.front());
        if (failed(scale))
          return failure();
        FailureOr<Value> c = buffer(op, g.getType(), *scale);
        if (failed(c))
          return failure();
        kernel::EpilogueAttr epilogue;
        if (g.getSwiglu())
          epilogue = kernel::EpilogueAttr::get(b.getContext(), false, true, {});
        auto k = kernel::GroupedGemmOp::create(b, loc, ins, ValueRange{*c},
                                               g.getQuantAttr(), epilogue,
                                               ArrayAttr());
        set(g, *c);
        return check(op, k);
      })
      .Case([&](moe::CombineOp c) -> LogicalResult {
        Value rows = get(op, c.getInput()), perm = get(op, c.getPerm()),
              w = get(op, c.getWeights());
        if (!rows || !perm || !w)
          return failure();
        FailureOr<int64_t> scale = scaleOfInput(w);
        if (failed(scale))
          return failure();
        FailureOr<Value> y = buffer(op, c.getType(), *scale);
        if (failed(y))
          return failure();
        auto k = kernel::CombineOp::create(b, loc, ValueRange{rows, perm, w},
                                           ValueRange{*y}, ArrayAttr());
        set(c, *y);
        return check(op, k);
      })
      .Case([&](moe::SwiGLUOp) {
        return lowerElementwise(op, ElementwiseFn::swiglu);
      })
      .Case([&](moe::SigmoidGateOp) {
        return lowerElementwise(op, ElementwiseFn::sigmoid_gate);
      })
      .Case([&](arith::AddFOp) {
        return lowerElementwise(op, ElementwiseFn::add);
      })
      .Case([&](arith::SubFOp) {
        return lowerElementwise(op, ElementwiseFn::sub);
      })
      .Case([&](arith::MulFOp) {
        return lowerElementwise(op, ElementwiseFn::mul);
      })
      .Case([&](arith::DivFOp) {
        return lowerElementwise(op, ElementwiseFn::div);
      })
      .Case([&](arith::MaximumFOp) {
        return lowerElementwise(op, ElementwiseFn::maximum);
      })
      .Case([&](arith::MinimumFOp) {
        return lowerElementwise(op, ElementwiseFn::minimum);
      })
      .Case([&](arith::NegFOp) {
        return lowerElementwise(op, ElementwiseFn::neg);
      })
      .Case<arith::ExtFOp, arith::TruncFOp>([&](Operation *) {
        return lowerElementwise(op, ElementwiseFn::cast);
      })
      .Case([&](tensor::ExpandShapeOp e) {
        return lowerReshape(op, e.getSrc(), e.getResult());
      })
      .Case([&](tensor::CollapseShapeOp c) {
        return lowerReshape(op, c.getSrc(), c.getResult());
      })
      .Case([&](tensor::ExtractSliceOp s) { return lowerSlice(s); })
      .Case([&](tensor::ConcatOp c) { return lowerConcat(c); })
      .Case([&](tensor::SplatOp s) -> LogicalResult {
        auto it = scalars.find(s.getInput());
        if (it == scalars.end())
          return failOp(op, "a splat of a value that is no constant");
        return lowerFill(op, s.getType(),
                         getAsOpFoldResult(s.getDynamicSizes()), it->second);
      })
      .Case([&](tensor::EmptyOp e) {
        return lowerFill(op, e.getType(),
                         getAsOpFoldResult(e.getDynamicSizes()), 0.0);
      })
      .Case([&](func::ReturnOp r) { return lowerReturn(r); })
      .Default([&](Operation *) -> LogicalResult {
        return fail(op, "'") << op->getName() << "'";
      });
}

/// Every output is a buffer of its own: arguments, weights, views and
/// buffers returned twice are copied first.
LogicalResult FunctionLowering::lowerReturn(func::ReturnOp op) {
  SmallVector<Value> results;
  DenseSet<Value> seen;
  for (Value operand : op.getOperands()) {
    Value v = get(op, operand);
    if (!v)
      return failure();
    if (!v.getDefiningOp<kernel::BufferOp>() || !seen.insert(v).second) {
      FailureOr<int64_t> scale = scaleOf(op, v);
      if (failed(scale))
        return failure();
      FailureOr<Value> dst = buffer(op, operand.getType(), *scale);
      if (failed(dst))
        return failure();
      auto type = cast<MemRefType>(v.getType());
      int64_t rank = type.getRank();
      auto copy = kernel::CopyOp::create(
          b, op.getLoc(), ValueRange{v}, ValueRange{*dst},
          SmallVector<int64_t>(rank, 0), SmallVector<int64_t>(rank, 1),
          type.getShape(), SmallVector<int64_t>(rank, 0), ArrayAttr());
      if (failed(check(op, copy)))
        return failure();
      v = *dst;
      seen.insert(v);
    }
    results.push_back(v);
  }
  func::ReturnOp::create(b, op.getLoc(), results);
  return success();
}

LogicalResult FunctionLowering::run() {
  FunctionType type = func.getFunctionType();
  SmallVector<Type> inputs, outputs;
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    MemRefType m = toMemRef(t);
    if (!m || failed(kernel::verifyKernelMemRef(
                  [&] { return fail(func, ""); }, m,
                  "argument #" + Twine(i) + " of @" + func.getSymName())))
      return m ? failure() : fail(func, "argument #") << i << " of type " << t;
    inputs.push_back(m);
  }
  for (auto [i, t] : llvm::enumerate(type.getResults())) {
    MemRefType m = toMemRef(t);
    if (!m)
      return fail(func, "result #") << i << " of type " << t;
    outputs.push_back(m);
  }
  b.setInsertionPoint(func);
  lowered = func::FuncOp::create(b, func.getLoc(), func.getSymName(),
                                 b.getFunctionType(inputs, outputs));
  // Keep every attribute but the type (moe.name on arguments and results,
  // visibility, ...).
  for (NamedAttribute attr : func->getAttrs())
    if (attr.getName() != func.getFunctionTypeAttrName())
      lowered->setAttr(attr.getName(), attr.getValue());
  if (func.isExternal()) {
    func.erase();
    return success();
  }
  Block *entry = lowered.addEntryBlock();
  for (auto [old, arg] : llvm::zip(func.getArguments(), entry->getArguments()))
    set(old, arg);
  b.setInsertionPointToStart(entry);
  if (!func.getBody().hasOneBlock())
    return fail(func, "a function of more than one block");
  for (Operation &op : func.getBody().front())
    if (failed(lower(&op))) {
      lowered.erase();
      return failure();
    }
  func.erase();
  return success();
}

struct MoeLowerToKernelsPass
    : ds::impl::MoeLowerToKernelsBase<MoeLowerToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // moe.experts goes through its decomposition (dispatch, grouped GEMMs,
    // swiglu, combine), which keeps the numbers bit for bit.
    SmallVector<moe::ExpertsOp> experts;
    module.walk([&](moe::ExpertsOp op) { experts.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (moe::ExpertsOp op : experts)
      if (failed(op.decompose(rewriter))) {
        op.emitError(kCannotLower) << "'moe.experts': it does not decompose";
        return signalPassFailure();
      }
    bool ok = true;
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>()))
      ok &= succeeded(FunctionLowering(func).run());
    if (!ok)
      return signalPassFailure();
    StringRef name = kernel::KernelDialect::getTargetAttrName();
    if (!module->hasAttr(name))
      module->setAttr(name, StringAttr::get(&getContext(), target));
  }
};

} // namespace
