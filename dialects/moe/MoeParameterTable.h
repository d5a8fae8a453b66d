//===- MoeParameterTable.h - a module's parameters for binding --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The binding contract of a module, converted once for the runtime
// (ds/binding.h): its `moe.parameter` ops as a parameter table, the names of
// its entry arguments and results, and its token limits. Shared by `ds-import
// --check-weights`, `ds-interp` and the `.dsb` writer, so `ds-run` binds a
// compiled module exactly as `ds-interp` binds its source.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEPARAMETERTABLE_H
#define DS_DIALECTS_MOE_MOEPARAMETERTABLE_H

#include "ds/binding.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace ds::moe {

/// The parameter table of every `moe.parameter` of `module` (stacked keys are
/// expanded by the table). A keyed parameter whose element type no checkpoint
/// dtype stores is an error naming it.
llvm::Expected<ds::ParameterTable> parameterTable(mlir::ModuleOp module);

/// The `moe.name` in `attrs` (an argument's or result's attributes), else
/// `fallback` followed by `i` ("arg0", "result1").
std::string portName(mlir::DictionaryAttr attrs, llvm::StringRef fallback,
                     unsigned i);

/// The token limits of `module`: `moe.max_tokens` (from `--max-tokens` of the
/// import), else `max_position_embeddings` of `moe.config`, which also bounds
/// the positions.
ds::TokenLimits tokenLimits(mlir::ModuleOp module);

} // namespace ds::moe

#endif // DS_DIALECTS_MOE_MOEPARAMETERTABLE_H
