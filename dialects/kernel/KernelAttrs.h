//===- KernelAttrs.h - kernel dialect attributes ----------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELATTRS_H
#define DS_DIALECTS_KERNEL_KERNELATTRS_H

#include "dialects/moe/MoeAttrs.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dialects/kernel/KernelEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/kernel/KernelAttrs.h.inc"

#endif // DS_DIALECTS_KERNEL_KERNELATTRS_H
