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

#include "codegen/ModuleKernels.h"
#include "ds/module.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace ds::codegen {

/// Whether every function of `module` carries a buffer plan (kernel.plan), so
/// that it can be written as it is.
bool isPlanned(mlir::ModuleOp module);

/// The module of planned kernel IR `module`, without kernels; a located
/// error for anything the module cannot hold. `launchOps`, when given,
/// receives each entry's launch ops in program order.
mlir::FailureOr<ds::Module>
buildModule(mlir::ModuleOp module,
            std::vector<std::vector<mlir::Operation *>> *launchOps = nullptr);

struct WriterOptions {
  /// Compile the kernels (addKernels); false writes a module the cpu
  /// backend runs and the sim and cuda backends refuse.
  bool kernels = true;
  KernelOptions kernelOptions;
  KernelStats *stats = nullptr; ///< filled when kernels are compiled
};

/// buildModule() and its kernels, serialized to `path` ("-": standard
/// output). A kernel that fails to compile is a located error at its launch,
/// and nothing is written.
mlir::LogicalResult writeModuleFile(mlir::ModuleOp module, llvm::StringRef path,
                                    const WriterOptions &options = {});

} // namespace ds::codegen

#endif // DS_CODEGEN_MODULEWRITER_H
