//===- KernelOps.h - kernel dialect operations ------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELOPS_H
#define DS_DIALECTS_KERNEL_KERNELOPS_H

#include "dialects/kernel/KernelAttrs.h"
#include "dialects/kernel/KernelDialect.h"
#include "dialects/kernel/KernelInterfaces.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#define GET_OP_CLASSES
#include "dialects/kernel/KernelOps.h.inc"

#endif // DS_DIALECTS_KERNEL_KERNELOPS_H
