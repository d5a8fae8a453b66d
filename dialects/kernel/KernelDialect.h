//===- KernelDialect.h - kernel dialect declaration -------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELDIALECT_H
#define DS_DIALECTS_KERNEL_KERNELDIALECT_H

#include "dialects/moe/MoeDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Dialect.h"

#include "dialects/kernel/KernelDialect.h.inc"

#endif // DS_DIALECTS_KERNEL_KERNELDIALECT_H
