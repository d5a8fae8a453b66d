//===- ModuleKernels.h - the compiled kernels of a module ------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §6: every launch of a module, under each of its configs, gets a
// kernel (KernelToCuda), made self-contained (DeviceLibrary) and compiled by
// NVRTC for the module's target; equal kernels are one entry of the module's
// kernel table, compiled once, in parallel, through the content-hash cache.
// A kernel NVRTC rejects, or one that uses local memory, fails the whole
// module: no module is written without its kernels.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_MODULEKERNELS_H
#define DS_CODEGEN_MODULEKERNELS_H

#include "codegen/NvrtcCompiler.h"
#include "ds/module.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <functional>

namespace ds::codegen {

struct KernelOptions {
  NvrtcOptions nvrtc;
};

/// Statistics of addKernels.
struct KernelStats {
  size_t variants = 0;  ///< launch variants
  size_t distinct = 0;  ///< distinct kernels (the module's kernel table)
  size_t fromCache = 0; ///< of those, found in the NVRTC cache
};

/// Where a failure of launch `index` of entry `entry` is reported.
using LaunchError =
    std::function<void(size_t entry, size_t index, const std::string &)>;

/// Fills `module.kernels` and every variant's kernel index. On failure,
/// reports each failing launch through `onError` and returns false; a
/// failure that is no launch's (NVRTC missing) goes to `onError` with
/// entry = SIZE_MAX.
bool addKernels(mlir::MLIRContext &context, ds::Module &module,
                const KernelOptions &options, const LaunchError &onError,
                KernelStats *stats = nullptr);

/// The NVRTC options the module's kernels compile with (the target, the
/// CUDA headers' folder).
NvrtcOptions moduleNvrtcOptions(const ds::Module &module);

} // namespace ds::codegen

#endif // DS_CODEGEN_MODULEKERNELS_H
