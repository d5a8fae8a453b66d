//===- MoeInterfaces.h - moe op interfaces ----------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEINTERFACES_H
#define DS_DIALECTS_MOE_MOEINTERFACES_H

#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"

#include "dialects/moe/MoeInterfaces.h.inc"

#endif // DS_DIALECTS_MOE_MOEINTERFACES_H
