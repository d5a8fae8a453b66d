//===- MoeOps.h - moe dialect operations ------------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEOPS_H
#define DS_DIALECTS_MOE_MOEOPS_H

#include "dialects/moe/MoeAttrs.h"
#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeInterfaces.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/moe/MoeOps.h.inc"

#endif // DS_DIALECTS_MOE_MOEOPS_H
