//===- KernelInterfaces.h - kernel op interfaces ----------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELINTERFACES_H
#define DS_DIALECTS_KERNEL_KERNELINTERFACES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include <utility>

namespace ds::kernel::detail {
/// The checks of every launch op (LaunchOpInterface's verifier): each
/// operand's memref type, outs that are not weights, the `config` order.
mlir::LogicalResult verifyLaunchOp(mlir::Operation *op);
/// Fails unless the launch `op` has `ins` ins and `outs` outs; `layout` names
/// them for the message ("a, w, scales").
mlir::LogicalResult verifyOperandCounts(mlir::Operation *op, unsigned ins,
                                        unsigned outs, llvm::StringRef layout);
} // namespace ds::kernel::detail

#include "dialects/kernel/KernelInterfaces.h.inc"

#endif // DS_DIALECTS_KERNEL_KERNELINTERFACES_H
