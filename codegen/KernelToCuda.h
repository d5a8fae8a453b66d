//===- KernelToCuda.h - one CUDA C++ kernel per launch ---------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §6, docs/kernels.md: each launch of a module, under each of its
// tile configs, becomes one `extern "C" __global__` entry that instantiates
// the device library's template for its op kind (codegen/cuda/*.cuh) with
// compile-time tile constants and the launch's static sizes. The entry is
// built as EmitC IR and printed by upstream's C++ emitter
// (emitc.verbatim only where EmitC cannot say it: DS_SIM_EXPORT and constant
// tables). It takes one ds::KernelArgs (ds/kernel_args.h).
//
// The input is the module's own description of the launch (ds::Launch over
// ds::Buffer shapes, the one definition of the op attributes), so the code
// that writes the kernels and the runtime that launches them read the same
// thing.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_KERNELTOCUDA_H
#define DS_CODEGEN_KERNELTOCUDA_H

#include "ds/module.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <array>
#include <string>

namespace ds::codegen {

/// A generated kernel, before NVRTC.
struct GeneratedKernel {
  std::string name;   ///< the entry ("ds_gemm_bf16_1a2b3c4d")
  std::string source; ///< CUDA C++ with #includes of the device library
  std::array<int32_t, 3> block{1, 1, 1};
  std::array<ds::GridDim, 3> grid{};
};

/// The kernel of `launch` (of `entry`) under the config of its variant
/// `variant`, or an error saying why no template implements it (an unknown
/// variant, a dtype, a shape). EmitC is loaded into `context` for the
/// emission.
llvm::Expected<GeneratedKernel> generateKernel(mlir::MLIRContext &context,
                                               const ds::EntryPoint &entry,
                                               const ds::Launch &launch,
                                               size_t variant);

} // namespace ds::codegen

#endif // DS_CODEGEN_KERNELTOCUDA_H
