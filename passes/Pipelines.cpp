//===- Pipelines.cpp - named ds pass pipelines ----------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/Pipelines.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

void ds::buildCompilePipeline(mlir::OpPassManager &pm,
                              const CompilePipelineOptions &options) {
  MoeLowerToKernelsOptions lower;
  lower.target = options.target;
  pm.addPass(createMoeLowerToKernels(lower));
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
      "Lowers moe IR to planned kernel IR: moe-lower-to-kernels, "
      "kernel-select-configs, kernel-plan-buffers (what `ds-opt -o x.dsb` "
      "runs before writing the module)",
      buildCompilePipeline);
}
