//===- KernelUtils.h - token scales and buffer checks -----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Every dynamic size in kernel IR is a multiple `scale · T` of the entry's
// token count (docs/compile-path.md §1). These helpers recover the scale of a
// value and check the memref types the dialect accepts.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELUTILS_H
#define DS_DIALECTS_KERNEL_KERNELUTILS_H

#include "dialects/moe/MoeVerifyUtils.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace ds::kernel {

/// The token scale of `value`'s dynamic (leading) dim: 0 when its type is a
/// static memref, 1 for a block argument, the `tokens` of a `kernel.buffer`,
/// and for a `kernel.view` the scale derived from the element counts.
/// nullopt when unknown (not a memref, a buffer without `tokens`, a view
/// whose scale is not a whole number, any other producer).
std::optional<int64_t> getTokenScale(mlir::Value value);

/// The dims of `value` (a memref) as extents: static sizes, and the dynamic
/// dim as `scale · T` (unknown when getTokenScale is).
llvm::SmallVector<ds::moe::detail::Extent> getExtents(mlir::Value value);
/// Dim `i` of `value` as an extent.
ds::moe::detail::Extent getExtent(mlir::Value value, unsigned i);

/// The element count of a memref as `perToken · T + fixed`; perToken is 0
/// for a static memref. nullopt when the token scale is unknown.
struct ElementCount {
  int64_t perToken = 0;
  int64_t fixed = 0;
};
std::optional<ElementCount> getElementCount(mlir::Value value);

/// The element count of `type` whose dynamic dim (if any) is `scale · T`.
ElementCount getElementCount(mlir::MemRefType type, int64_t scale);

/// Checks a memref of kernel IR: identity layout, no memory space, at most
/// one dynamic dim and that one leading, within ds's size ceilings. `what`
/// names the value.
mlir::LogicalResult
verifyKernelMemRef(llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
                   mlir::Type type, const llvm::Twine &what);

} // namespace ds::kernel

#endif // DS_DIALECTS_KERNEL_KERNELUTILS_H
