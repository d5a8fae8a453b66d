//===- MoeVerifyUtils.cpp - shared shape checks of moe verifiers ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeVerifyUtils.h"

#include "ds/cpu/tensor.h"
#include "ds/limits.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace ds::moe::detail {

static_assert(ds::kDynamicDim == ShapedType::kDynamic,
              "runtime shapes and MLIR shapes mark dynamic dims alike");

std::string formatDim(int64_t dim) {
  std::string text = ds::cpu::shapeToString({dim});
  return text.substr(1, text.size() - 2);
}

Extent mulExtent(Extent a, int64_t b) {
  if (a.isDynamic())
    return a.tokenScale > 0
               ? Extent{a.size, ds::checkedMul(a.tokenScale, b).value_or(0)}
               : a;
  return Extent::of(ds::checkedMul(a.size, b).value_or(ShapedType::kDynamic));
}

std::string formatExtent(Extent extent) {
  if (!extent.isDynamic() || extent.tokenScale <= 0)
    return formatDim(extent.size);
  if (extent.tokenScale == 1)
    return "T";
  return std::to_string(extent.tokenScale) + "*T";
}

std::string formatShape(ArrayRef<int64_t> shape) {
  return ds::cpu::shapeToString(
      std::vector<int64_t>(shape.begin(), shape.end()));
}

static LogicalResult verifyTrailingStatic(Operation *op, StringRef name,
                                          ShapedType type) {
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (i > 0 && ShapedType::isDynamic(dim))
      return op->emitOpError()
             << name << " may only have a dynamic token dimension (dim 0), "
             << "but dim " << i << " of " << type << " is dynamic";
  return success();
}

LogicalResult verifyActivation(Operation *op, StringRef name, Type type,
                               int64_t rank, StringRef layout) {
  auto tensor = cast<ShapedType>(type);
  if (tensor.getRank() != rank)
    return op->emitOpError() << name << " must have rank " << rank << " ("
                             << layout << "), got " << type;
  return verifyTrailingStatic(op, name, tensor);
}

LogicalResult verifyActivationMinRank(Operation *op, StringRef name, Type type,
                                      int64_t minRank) {
  auto tensor = cast<ShapedType>(type);
  if (tensor.getRank() < minRank)
    return op->emitOpError()
           << name << " must have rank >= " << minRank << ", got " << type;
  if (failed(verifyTrailingStatic(op, name, tensor)))
    return failure();
  // Rank 1: the only dimension is the feature dimension, not tokens.
  if (tensor.isDynamicDim(tensor.getRank() - 1))
    return op->emitOpError()
           << name << " must have a static last (feature) dimension, got "
           << type;
  return success();
}

LogicalResult verifyWeight(Operation *op, StringRef name, Type type,
                           int64_t rank, StringRef layout) {
  auto tensor = cast<ShapedType>(type);
  if (tensor.getRank() != rank)
    return op->emitOpError() << name << " must have rank " << rank << " ("
                             << layout << "), got " << type;
  if (!tensor.hasStaticShape())
    return op->emitOpError()
           << name << " must have a static shape, got " << type;
  return success();
}

LogicalResult verifyDim(Operation *op, const Twine &what, int64_t actual,
                        int64_t expected) {
  if (dimsCompatible(actual, expected))
    return success();
  return op->emitOpError() << what << " must be " << formatDim(expected)
                           << ", got " << formatDim(actual);
}

LogicalResult verifyDim(Operation *op, const Twine &what, Extent actual,
                        Extent expected) {
  if (extentsCompatible(actual, expected))
    return success();
  return op->emitOpError() << what << " must be " << formatExtent(expected)
                           << ", got " << formatExtent(actual);
}

LogicalResult DimGroup::add(Extent dim, const Twine &what) {
  if (failed(verifyDim(op, what, dim, known)))
    return failure();
  if (!known.isKnown())
    known = dim;
  return success();
}

static bool isDenseWeightType(Type type) {
  return isa<BFloat16Type, Float16Type, Float32Type>(type);
}

LogicalResult verifySwiGLUWeight(Operation *op, StringRef what, int64_t n,
                                 QuantAttr quant) {
  if (n < 2 || n % 2 != 0)
    return op->emitOpError()
           << "'swiglu' needs an even " << what
           << " (the gate rows, then as many up rows), got " << n;
  if (quant && (n / 2) % quant.getBlock()[0] != 0)
    return op->emitOpError()
           << "'swiglu' needs half of " << what << " (" << n / 2
           << ") to be a multiple of the quant block's rows ("
           << quant.getBlock()[0] << ")";
  return success();
}

LogicalResult verifyWeightFormat(Operation *op, StringRef name,
                                 ShapedType weight, Type scales,
                                 QuantAttr quant) {
  Type elem = weight.getElementType();
  if (isDenseWeightType(elem)) {
    if (quant)
      return op->emitOpError()
             << "'quant' needs a quantized weight, but " << name
             << " has the dense element type " << elem;
    if (scales)
      return op->emitOpError() << "scales need a quantized weight, but " << name
                               << " has the dense element type " << elem;
    return success();
  }
  if (!isa<Float8E4M3FNType>(elem) && !elem.isSignlessInteger(8) &&
      !elem.isSignlessInteger(4))
    return op->emitOpError()
           << name << " has element type " << elem
           << ", which is no weight format (bf16, f16, f32, or quantized "
           << "f8E4M3FN, i8, i4)";
  if (!quant)
    return op->emitOpError() << name << " of quantized element type " << elem
                             << " needs a 'quant' attribute";
  Type storage = quant.getStorageType(op->getContext());
  if (storage != elem)
    return op->emitOpError()
           << "quant scheme '" << stringifyQuantScheme(quant.getScheme())
           << "' stores " << storage << ", but " << name << " has element type "
           << elem;
  if (!scales)
    return op->emitOpError() << name << " is quantized but has no scales";

  ArrayRef<int64_t> block = quant.getBlock();
  SmallVector<int64_t> expected(weight.getShape());
  size_t rank = expected.size();
  expected[rank - 2] = llvm::divideCeil(expected[rank - 2], block[0]);
  expected[rank - 1] = llvm::divideCeil(expected[rank - 1], block[1]);
  auto scalesType = cast<ShapedType>(scales);
  if (scalesType.getShape() != ArrayRef<int64_t>(expected))
    return op->emitOpError()
           << "scales of " << name << " must have shape "
           << formatShape(expected) << " (blocks of " << block[0] << "x"
           << block[1] << " over " << formatShape(weight.getShape())
           << "), got " << scales;
  return success();
}

} // namespace ds::moe::detail
