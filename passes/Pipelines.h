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

  // The optimization passes (moe -> moe, before the lowering). Each is one
  // option here and one line of the table in Pipelines.cpp; a fusion pass
  // runs when both `fusion` and its own option are true.
  Option<bool> fusion{
      *this, "fusion",
      llvm::cl::desc("Run the fusion passes (false: none of them, whatever "
                     "their own options say)"),
      llvm::cl::init(true)};
  Option<bool> fuseAddRmsNorm{
      *this, "fuse-add-rms-norm",
      llvm::cl::desc("Run moe-fuse-add-rms-norm (a fusion pass)"),
      llvm::cl::init(true)};
  Option<bool> fuseGateUp{
      *this, "fuse-gate-up",
      llvm::cl::desc("Run moe-fuse-gate-up (a fusion pass)"),
      llvm::cl::init(true)};
  Option<bool> fuseQkv{*this, "fuse-qkv",
                       llvm::cl::desc("Run moe-fuse-qkv (a fusion pass)"),
                       llvm::cl::init(true)};
  Option<bool> attentionBlockSparsity{
      *this, "attention-block-sparsity",
      llvm::cl::desc("Run moe-attention-block-sparsity (not a fusion pass: "
                     "`fusion` leaves it on)"),
      llvm::cl::init(true)};
};

/// moe IR -> planned kernel IR: the optimization passes the options enable
/// (moe-fuse-add-rms-norm, moe-fuse-gate-up, moe-fuse-qkv,
/// moe-attention-block-sparsity),
/// then moe-lower-to-kernels,
/// kernel-select-configs, kernel-plan-buffers.
void buildCompilePipeline(mlir::OpPassManager &pm,
                          const CompilePipelineOptions &options);

/// The kernel-IR tail of `ds-compile` (kernel-select-configs,
/// kernel-plan-buffers) with its options: what `ds-opt -o x.dsb` runs on
/// kernel IR that is not planned yet.
void buildKernelPipeline(mlir::OpPassManager &pm,
                         const CompilePipelineOptions &options);

/// Registers `ds-compile`.
void registerDSPipelines();

} // namespace ds

#endif // DS_PASSES_PIPELINES_H
