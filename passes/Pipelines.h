//===- Pipelines.h - named ds pass pipelines --------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_PASSES_PIPELINES_H
#define DS_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace ds {

/// Options of the `ds-compile` pipeline.
struct CompilePipelineOptions
    : public mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("The GPU target (kernel.target)"),
                             llvm::cl::init("sm_90a")};
  Option<std::string> tuningTable{
      *this, "tuning-table",
      llvm::cl::desc("A tuning table for kernel-select-configs (JSON, "
                     "docs/compile-path.md §2); heuristics without one"),
      llvm::cl::init("")};
  Option<int64_t> maxTokens{
      *this, "max-tokens",
      llvm::cl::desc("The token count the buffer plan is sized for (default: "
                     "the module's moe.max_tokens, else 4096)"),
      llvm::cl::init(0)};
};

/// moe IR -> planned kernel IR: moe-lower-to-kernels, kernel-select-configs,
/// kernel-plan-buffers.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// Registers `ds-compile`.
void registerDSPipelines();

} // namespace ds

#endif // DS_PASSES_PIPELINES_H
