//===- Pipelines.cpp - named ds pass pipelines ----------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/Pipelines.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace {

using PassSwitch = mlir::detail::PassOptions::Option<bool>;

/// An optimization pass of `ds-compile`: the option that switches it, whether
/// the `fusion` master switch governs it too, and its constructor.
struct OptimizationPass {
  PassSwitch ds::CompilePipelineOptions::*enabled;
  bool fusion;
  std::unique_ptr<mlir::Pass> (*create)();
};

/// The optimization passes of `ds-compile`, in the order they run (all on the
/// moe IR, before the lowering). A new pass is one option in Pipelines.h and
/// one line here.
const OptimizationPass kOptimizationPasses[] = {
    {&ds::CompilePipelineOptions::fuseAddRmsNorm, /*fusion=*/true,
     [] { return ds::createMoeFuseAddRmsNorm(); }},
    {&ds::CompilePipelineOptions::fuseGateUp, /*fusion=*/true,
     [] { return ds::createMoeFuseGateUp(); }},
    {&ds::CompilePipelineOptions::fuseQkv, /*fusion=*/true,
     [] { return ds::createMoeFuseQkv(); }},
    {&ds::CompilePipelineOptions::attentionBlockSparsity, /*fusion=*/false,
     [] { return ds::createMoeAttentionBlockSparsity(); }},
};

} // namespace

void ds::buildCompilePipeline(mlir::OpPassManager &pm,
                              const CompilePipelineOptions &options) {
  for (const OptimizationPass &pass : kOptimizationPasses)
    if (options.*pass.enabled && (!pass.fusion || options.fusion))
      pm.addPass(pass.create());
  MoeLowerToKernelsOptions lower;
  lower.target = options.target;
  pm.addPass(createMoeLowerToKernels(lower));
  buildKernelPipeline(pm, options);
}

void ds::buildKernelPipeline(mlir::OpPassManager &pm,
                             const CompilePipelineOptions &options) {
  KernelSelectConfigsOptions select;
  select.tuningTable = options.tuningTable;
  pm.addPass(createKernelSelectConfigs(select));
  KernelPlanBuffersOptions plan;
  plan.maxTokens = options.maxTokens;
  pm.addPass(createKernelPlanBuffers(plan));
}

void ds::registerDSPipelines() {
  mlir::PassPipelineRegistration<CompilePipelineOptions>(
      "ds-compile",
      "Compiles moe IR to planned kernel IR: the optimization passes "
      "(moe-fuse-add-rms-norm, moe-fuse-gate-up, moe-fuse-qkv, "
      "moe-attention-block-sparsity; each switched by its option, the fusion "
      "passes together by `fusion`), then moe-lower-to-kernels, "
      "kernel-select-configs, kernel-plan-buffers (what `ds-opt -o x.dsb` "
      "runs before writing the module)",
      buildCompilePipeline);
}
