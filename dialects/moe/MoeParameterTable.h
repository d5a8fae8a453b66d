//===- MoeParameterTable.h - a module's parameters for binding --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The one conversion from a module's `moe.parameter` ops to the runtime's
// parameter table (ds/binding.h), which binds them to checkpoint tensors.
// Shared by `ds-import --check-weights` and `ds-interp`; a compiled module
// stores the same table for `ds-run`.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEPARAMETERTABLE_H
#define DS_DIALECTS_MOE_MOEPARAMETERTABLE_H

#include "ds/binding.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace ds::moe {

/// The parameter table of every `moe.parameter` of `module` (stacked keys are
/// expanded by the table). A keyed parameter whose element type no checkpoint
/// dtype stores is an error naming it.
llvm::Expected<ds::ParameterTable> parameterTable(mlir::ModuleOp module);

} // namespace ds::moe

#endif // DS_DIALECTS_MOE_MOEPARAMETERTABLE_H
