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

/// True when two dimensions may be equal at run time (either is dynamic or
/// they are the same).
inline bool dimsCompatible(int64_t a, int64_t b) {
  return mlir::ShapedType::isDynamic(a) || mlir::ShapedType::isDynamic(b) ||
         a == b;
}

/// Formats a dimension: the number, or `?` when dynamic.
std::string formatDim(int64_t dim);
/// Formats a shape: "[?, 4]" (ds::cpu::shapeToString, the one printer).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

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

/// Dimensions that must agree at run time. Each `add` compares a dimension
/// with the first static one seen so far, so two static sizes that disagree
/// are caught even when the dimensions between them are dynamic.
class DimGroup {
public:
  explicit DimGroup(mlir::Operation *op) : op(op) {}

  /// Adds `dim`; emits "<what> must be <known>, got <dim>" on a mismatch.
  mlir::LogicalResult add(int64_t dim, const llvm::Twine &what);

  /// The static size if any member is static, else dynamic.
  int64_t get() const { return known; }

private:
  mlir::Operation *op;
  int64_t known = mlir::ShapedType::kDynamic;
};

/// Checks the weight format of `weight` (shape `[..., N, K]`): dense bf16,
/// f16 or f32 without `scales` and `quant`, or a quantized storage type with a
/// matching `quant` scheme and `scales` of shape
/// `[..., ceil(N / block[0]), ceil(K / block[1])]`. `scales` is null when
/// absent.
mlir::LogicalResult verifyWeightFormat(mlir::Operation *op,
                                       llvm::StringRef name,
                                       mlir::RankedTensorType weight,
                                       mlir::Type scales, QuantAttr quant);

} // namespace ds::moe::detail

#endif // DS_DIALECTS_MOE_MOEVERIFYUTILS_H
