//===- KernelVerifyUtils.h - shared checks of kernel verifiers --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The launch verifiers check the shape rules of the moe ops they come from
// with the helpers of dialects/moe/MoeVerifyUtils.h over extents (dynamic
// dims as multiples of T), plus what a memref operand does not say by its
// type: element kinds and equal token scales.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELVERIFYUTILS_H
#define DS_DIALECTS_KERNEL_KERNELVERIFYUTILS_H

#include "dialects/kernel/KernelOps.h"
#include "dialects/kernel/KernelUtils.h"
#include "dialects/moe/MoeVerifyUtils.h"

namespace ds::kernel::detail {

using ds::moe::detail::DimGroup;
using ds::moe::detail::Extent;

inline mlir::MemRefType memrefType(mlir::Value v) {
  return llvm::cast<mlir::MemRefType>(v.getType());
}

/// The element kinds of operands.
enum class ElementKind {
  Float,    ///< any float (activations)
  I32,      ///< indices, permutations, offsets
  Position, ///< i32 or i64 (positions, token ids)
};

/// Fails unless `v`'s element type is of `kind`.
mlir::LogicalResult verifyElement(mlir::Operation *op, llvm::StringRef name,
                                  mlir::Value v, ElementKind kind);

/// Fails unless `actual` has the type and token scale of `expected`
/// ("<name> must have <expectedName>'s type ... and token scale").
mlir::LogicalResult verifySameBuffer(mlir::Operation *op, llvm::StringRef name,
                                     mlir::Value actual,
                                     llvm::StringRef expectedName,
                                     mlir::Value expected);

} // namespace ds::kernel::detail

#endif // DS_DIALECTS_KERNEL_KERNELVERIFYUTILS_H
