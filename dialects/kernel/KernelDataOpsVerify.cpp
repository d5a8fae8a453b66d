//===- KernelDataOpsVerify.cpp - verifiers of elementwise, copy, fill -----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelVerifyUtils.h"

#include "ds/limits.h"

#include <cmath>

using namespace mlir;
using namespace ds::kernel;
using namespace ds::kernel::detail;
using namespace ds::moe::detail;

//===----------------------------------------------------------------------===//
// ElementwiseOp
//===----------------------------------------------------------------------===//

/// The operand count of `fn` (ds::elementwiseArity).
static unsigned arity(ElementwiseFn fn) {
  return fn == ElementwiseFn::neg || fn == ElementwiseFn::cast ? 1 : 2;
}

LogicalResult ElementwiseOp::verify() {
  ElementwiseFn fn = getFn();
  unsigned n = arity(fn);
  if (failed(verifyOperandCounts(*this, n, 1,
                                 (n == 1 ? "a" : "a, b") + std::string("; y"))))
    return failure();
  Value y = getY();
  if (failed(verifyElement(*this, "y", y, ElementKind::Float)))
    return failure();
  Value a = getIns()[0];
  if (fn == ElementwiseFn::cast) {
    if (failed(verifyElement(*this, "a", a, ElementKind::Float)))
      return failure();
    MemRefType in = memrefType(a), out = memrefType(y);
    if (in.getShape() != out.getShape())
      return emitOpError("cast keeps the shape: y ")
             << out << " must have a's shape, got " << in;
    return verifyDim(*this, "y dim 0 (tokens)",
                     in.hasStaticShape() ? Extent::of(0) : getExtent(y, 0),
                     in.hasStaticShape() ? Extent::of(0) : getExtent(a, 0));
  }
  if (failed(verifySameBuffer(*this, "a", a, "y", y)))
    return failure();
  if (n == 1)
    return success();
  Value b = getIns()[1];
  if (fn != ElementwiseFn::sigmoid_gate)
    return verifySameBuffer(*this, "b", b, "y", y);
  // sigmoid_gate: a [T, H], logit [T, 1] of the same element type.
  if (failed(verifyActivation(*this, "a", a.getType(), 2, "[T, H]")) ||
      failed(verifyActivation(*this, "logit", b.getType(), 2, "[T, 1]")))
    return failure();
  MemRefType logit = memrefType(b);
  if (logit.getDimSize(1) != 1)
    return emitOpError("logit must be [T, 1] (one logit per token), got ")
           << logit;
  if (logit.getElementType() != memrefType(a).getElementType())
    return emitOpError("logit element type ")
           << logit.getElementType() << " must match a's "
           << memrefType(a).getElementType();
  return verifyDim(*this, "logit dim 0 (tokens)", getExtent(b, 0),
                   getExtent(a, 0));
}

//===----------------------------------------------------------------------===//
// CopyOp
//===----------------------------------------------------------------------===//

LogicalResult CopyOp::verify() {
  if (failed(verifyOperandCounts(*this, 1, 1, "src; dst")))
    return failure();
  MemRefType src = memrefType(getSrc()), dst = memrefType(getDst());
  if (src.getElementType() != dst.getElementType())
    return emitOpError("dst element type ")
           << dst.getElementType() << " must be src's " << src.getElementType();
  int64_t rank = src.getRank();
  if (dst.getRank() != rank)
    return emitOpError("src and dst must have the same rank, got ")
           << src << " and " << dst;
  ArrayRef<int64_t> srcOffsets = getSrcOffsets(), strides = getSrcStrides(),
                    sizes = getSizes(), dstOffsets = getDstOffsets();
  for (auto [name, list] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"src_offsets", srcOffsets},
        {"src_strides", strides},
        {"sizes", sizes},
        {"dst_offsets", dstOffsets}})
    if (static_cast<int64_t>(list.size()) != rank)
      return emitOpError("'") << name << "' must have one entry per dim ("
                              << rank << "), got " << list.size();
  Extent srcTokens =
      src.hasStaticShape() ? Extent::of(0) : getExtent(getSrc(), 0);
  Extent dstTokens =
      dst.hasStaticShape() ? Extent::of(0) : getExtent(getDst(), 0);
  for (int64_t i = 0; i < rank; ++i) {
    int64_t size = sizes[i], srcDim = src.getDimSize(i),
            dstDim = dst.getDimSize(i);
    if (srcOffsets[i] < 0 || dstOffsets[i] < 0)
      return emitOpError("offsets must be >= 0, got ")
             << srcOffsets[i] << " and " << dstOffsets[i] << " in dim " << i;
    if (strides[i] < 1)
      return emitOpError("src_strides must be >= 1, got ")
             << strides[i] << " in dim " << i;
    if (ShapedType::isDynamic(size)) {
      if (!ShapedType::isDynamic(srcDim) || !ShapedType::isDynamic(dstDim))
        return emitOpError("size ? of dim ")
               << i << " spans a dynamic dim of both src and dst, got " << src
               << " and " << dst;
      if (srcOffsets[i] != 0 || dstOffsets[i] != 0 || strides[i] != 1)
        return emitOpError("a dim of size ? takes offsets 0 and stride 1, "
                           "dim ")
               << i << " has " << srcOffsets[i] << ", " << dstOffsets[i]
               << " and " << strides[i];
      if (failed(verifyDim(*this, "dst dim " + Twine(i) + " (src's tokens)",
                           dstTokens, srcTokens)))
        return failure();
      continue;
    }
    if (size < 1)
      return emitOpError("sizes must be >= 1 or ?, got ")
             << size << " in dim " << i;
    if (ShapedType::isDynamic(srcDim) || ShapedType::isDynamic(dstDim))
      return emitOpError("the box's static size ")
             << size << " in the dynamic dim " << i
             << " does not fit every T (use ?)";
    if (size > ds::kMaxDimSize || srcOffsets[i] > ds::kMaxDimSize ||
        strides[i] > ds::kMaxDimSize || dstOffsets[i] > ds::kMaxDimSize)
      return emitOpError("box entries must be at most ")
             << ds::kMaxDimSize << " (ds's ceiling on one dimension) in dim "
             << i;
    // Every entry is at most 2^24: no overflow in int64.
    int64_t srcEnd = srcOffsets[i] + (size - 1) * strides[i] + 1;
    if (srcEnd > srcDim)
      return emitOpError("the box does not fit src in dim ")
             << i << ": elements up to " << srcEnd << " of " << srcDim;
    if (dstOffsets[i] + size > dstDim)
      return emitOpError("the box does not fit dst in dim ")
             << i << ": elements up to " << dstOffsets[i] + size << " of "
             << dstDim;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// FillOp
//===----------------------------------------------------------------------===//

LogicalResult FillOp::verify() {
  if (failed(verifyOperandCounts(*this, 0, 1, "no ins; dst")))
    return failure();
  if (!memrefType(getDst()).getElementType().isIntOrFloat())
    return emitOpError("dst must have an integer or float element type");
  if (!std::isfinite(getValue().convertToDouble()) &&
      !isa<FloatType>(memrefType(getDst()).getElementType()))
    return emitOpError("an integer buffer takes a finite value, got ")
           << getValue().convertToDouble();
  return success();
}
