//===- MoeVerifyUtils.h - shared shape checks of moe verifiers --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Helpers that keep the op verifiers short and their diagnostics uniform:
// every message names the operand, the expected layout and what was found.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEVERIFYUTILS_H
#define DS_DIALECTS_MOE_MOEVERIFYUTILS_H

#include "dialects/moe/MoeAttrs.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace ds::moe::detail {

/// A dimension as a verifier sees it: a static size, or dynamic. A dynamic
/// dimension of a `moe` tensor is unknown (any size); one of a `kernel`
/// buffer is a known multiple `tokenScale · T` of the entry's token count T
/// (docs/compile-path.md §1). The shape rules of the moe ops are written once
/// over extents, so the kernel ops check the same rules with token scales.
struct Extent {
  int64_t size = mlir::ShapedType::kDynamic; ///< static size, or kDynamic
  int64_t tokenScale = 0; ///< dynamic: > 0 when known to be tokenScale · T

  /// A dim of a moe tensor (dynamic: unknown).
  static Extent of(int64_t dim) { return {dim, 0}; }
  /// A dim of a kernel buffer: `dim`, or `tokenScale · T` when dynamic
  /// (`tokenScale` 0: unknown).
  static Extent of(int64_t dim, int64_t tokenScale) {
    return mlir::ShapedType::isDynamic(dim) ? Extent{dim, tokenScale}
                                            : Extent{dim, 0};
  }
  bool isDynamic() const { return mlir::ShapedType::isDynamic(size); }
  /// True for a static size or a known multiple of T.
  bool isKnown() const { return !isDynamic() || tokenScale > 0; }
};

/// True when two extents may be equal at run time: either is unknown, or both
/// are the same static size, or both the same multiple of T (a static size
/// never equals a multiple of T for every T).
inline bool extentsCompatible(Extent a, Extent b) {
  if (!a.isKnown() || !b.isKnown())
    return true;
  return a.isDynamic() == b.isDynamic() &&
         (a.isDynamic() ? a.tokenScale == b.tokenScale : a.size == b.size);
}

/// True when two dimensions may be equal at run time (either is dynamic or
/// they are the same).
inline bool dimsCompatible(int64_t a, int64_t b) {
  return extentsCompatible(Extent::of(a), Extent::of(b));
}

/// `a * b` (b static), unknown when a is unknown; kDynamic on overflow.
Extent mulExtent(Extent a, int64_t b);

/// Formats a dimension: the number, or `?` when dynamic.
std::string formatDim(int64_t dim);
/// Formats an extent: the number, `?` when unknown, `T` or `4*T`.
std::string formatExtent(Extent extent);
/// Formats a shape: "[?, 4]" (ds::cpu::shapeToString, the one printer).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Activation and weight checks take any ranked shaped type: moe tensors and
/// kernel memrefs.

/// Checks an activation tensor: rank `rank` (`layout` describes it, e.g.
/// "[T, H]"), every dimension but the leading token dimension static.
mlir::LogicalResult verifyActivation(mlir::Operation *op, llvm::StringRef name,
                                     mlir::Type type, int64_t rank,
                                     llvm::StringRef layout);

/// Like verifyActivation for tensors of rank >= `minRank`.
mlir::LogicalResult verifyActivationMinRank(mlir::Operation *op,
                                            llvm::StringRef name,
                                            mlir::Type type, int64_t minRank);

/// Checks a weight tensor: rank `rank` and a fully static shape.
mlir::LogicalResult verifyWeight(mlir::Operation *op, llvm::StringRef name,
                                 mlir::Type type, int64_t rank,
                                 llvm::StringRef layout);

/// Emits "<what> must be <expected>, got <actual>" unless the two dimensions
/// are compatible.
mlir::LogicalResult verifyDim(mlir::Operation *op, const llvm::Twine &what,
                              int64_t actual, int64_t expected);
mlir::LogicalResult verifyDim(mlir::Operation *op, const llvm::Twine &what,
                              Extent actual, Extent expected);

/// Dimensions that must agree at run time. Each `add` compares a dimension
/// with the first static one seen so far, so two static sizes that disagree
/// are caught even when the dimensions between them are dynamic.
class DimGroup {
public:
  explicit DimGroup(mlir::Operation *op) : op(op) {}

  /// Adds `dim`; emits "<what> must be <known>, got <dim>" on a mismatch.
  mlir::LogicalResult add(int64_t dim, const llvm::Twine &what) {
    return add(Extent::of(dim), what);
  }
  mlir::LogicalResult add(Extent dim, const llvm::Twine &what);

  /// The static size if any member is static, else dynamic.
  int64_t get() const { return known.size; }
  /// The first known member (static or a multiple of T), else unknown.
  Extent getExtent() const { return known; }

private:
  mlir::Operation *op;
  Extent known;
};

/// Checks the weight format of `weight` (shape `[..., N, K]`): dense bf16,
/// f16 or f32 without `scales` and `quant`, or a quantized storage type with a
/// matching `quant` scheme and `scales` of shape
/// `[..., ceil(N / block[0]), ceil(K / block[1])]`. `scales` is null when
/// absent.
mlir::LogicalResult verifyWeightFormat(mlir::Operation *op,
                                       llvm::StringRef name,
                                       mlir::ShapedType weight,
                                       mlir::Type scales, QuantAttr quant);

/// Checks the `what` extent `n` of a fused gate/up weight (a `swiglu`
/// linear or grouped matmul): positive and even and, when quantized, its
/// half a multiple of block[0] (no scale block spans gate and up rows).
mlir::LogicalResult verifySwiGLUWeight(mlir::Operation *op,
                                       llvm::StringRef what, int64_t n,
                                       QuantAttr quant);

} // namespace ds::moe::detail

#endif // DS_DIALECTS_MOE_MOEVERIFYUTILS_H
