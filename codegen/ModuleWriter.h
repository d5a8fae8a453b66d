//===- ModuleWriter.h - planned kernel IR to a .dsb module ------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The translation from planned kernel IR (after ds-compile) to the runtime's
// module (ds/module.h), serialized by the runtime's own writer so the schema
// mapping exists once. A translation, not a pass: it reads the IR and
// changes nothing. Every function of the module becomes an entry point; the
// `moe.parameter` ops become the parameter table (moe::parameterTable), the
// argument and result names and the token limits follow moe::portName and
// moe::tokenLimits, exactly as ds-interp binds the source module.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_MODULEWRITER_H
#define DS_CODEGEN_MODULEWRITER_H

#include "ds/module.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace ds::codegen {

/// Whether every function of `module` carries a buffer plan (kernel.plan), so
/// that it can be written as it is.
bool isPlanned(mlir::ModuleOp module);

/// The module of planned kernel IR `module`; a located error for anything
/// the module cannot hold.
mlir::FailureOr<ds::Module> buildModule(mlir::ModuleOp module);

/// buildModule(), serialized to `path` ("-": standard output).
mlir::LogicalResult writeModuleFile(mlir::ModuleOp module,
                                    llvm::StringRef path);

} // namespace ds::codegen

#endif // DS_CODEGEN_MODULEWRITER_H
