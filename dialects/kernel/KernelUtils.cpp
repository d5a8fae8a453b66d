//===- KernelUtils.cpp - token scales and buffer checks -------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelUtils.h"
#include "dialects/kernel/KernelOps.h"
#include "dialects/moe/MoeOps.h"

#include "ds/limits.h"

using namespace mlir;
using namespace ds::kernel;
using ds::moe::detail::Extent;

ElementCount ds::kernel::getElementCount(MemRefType type, int64_t scale) {
  // The types have passed verifyKernelMemRef: at most 2^40 elements.
  int64_t row = 1;
  bool dynamic = false;
  for (int64_t dim : type.getShape()) {
    if (ShapedType::isDynamic(dim))
      dynamic = true;
    else
      row *= dim;
  }
  if (!dynamic)
    return {0, row};
  return {ds::checkedMul(row, scale).value_or(0), 0};
}

/// The scale of a view's result: the source's elements per token over the
/// result's elements per row.
static std::optional<int64_t> viewTokenScale(ViewOp view) {
  auto result = cast<MemRefType>(view.getType());
  auto source = dyn_cast<MemRefType>(view.getSource().getType());
  if (!source)
    return std::nullopt;
  std::optional<int64_t> sourceScale = getTokenScale(view.getSource());
  if (!sourceScale || *sourceScale == 0)
    return std::nullopt;
  int64_t perToken = getElementCount(source, *sourceScale).perToken;
  int64_t row = getElementCount(result, 1).perToken;
  if (perToken <= 0 || row <= 0 || perToken % row != 0)
    return std::nullopt;
  return perToken / row;
}

std::optional<int64_t> ds::kernel::getTokenScale(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type)
    return std::nullopt;
  if (type.hasStaticShape())
    return 0;
  if (isa<BlockArgument>(value))
    return 1;
  Operation *def = value.getDefiningOp();
  if (auto buffer = dyn_cast<BufferOp>(def)) {
    std::optional<int64_t> tokens = buffer.getTokens();
    if (!tokens || *tokens < 1)
      return std::nullopt;
    return *tokens;
  }
  if (auto view = dyn_cast<ViewOp>(def))
    return viewTokenScale(view);
  return std::nullopt;
}

SmallVector<Extent> ds::kernel::getExtents(Value value) {
  auto type = cast<ShapedType>(value.getType());
  int64_t scale = getTokenScale(value).value_or(0);
  SmallVector<Extent> extents;
  for (int64_t dim : type.getShape())
    extents.push_back(Extent::of(dim, scale));
  return extents;
}

Extent ds::kernel::getExtent(Value value, unsigned i) {
  auto type = cast<ShapedType>(value.getType());
  return Extent::of(type.getDimSize(i), getTokenScale(value).value_or(0));
}

std::optional<ElementCount> ds::kernel::getElementCount(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  std::optional<int64_t> scale = getTokenScale(value);
  if (!type || !scale)
    return std::nullopt;
  return getElementCount(type, *scale);
}

LogicalResult
ds::kernel::verifyKernelMemRef(function_ref<InFlightDiagnostic()> emitError,
                               Type type, const Twine &what) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return emitError() << what << " must be a memref, got " << type;
  if (!memref.getLayout().isIdentity())
    return emitError() << what << " " << type
                       << " must have the identity layout";
  if (memref.getMemorySpace())
    return emitError() << what << " " << type
                       << " must be in the default memory space";
  for (auto [i, dim] : llvm::enumerate(memref.getShape()))
    if (i > 0 && ShapedType::isDynamic(dim))
      return emitError() << what << " " << type
                         << " may only have a dynamic leading (token) dim, "
                         << "but dim " << i << " is dynamic";
  return ds::moe::verifyBoundedTensorType(emitError, memref, what);
}
