//===- ModuleKernels.cpp - the compiled kernels of a module ---------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "codegen/ModuleKernels.h"
#include "codegen/DeviceLibrary.h"
#include "codegen/KernelToCuda.h"

#include "llvm/ADT/StringMap.h"

using namespace ds::codegen;

ds::codegen::NvrtcOptions
ds::codegen::moduleNvrtcOptions(const ds::Module &module) {
  NvrtcOptions options;
  options.target = module.target.empty() ? "sm_90a" : module.target;
  options.extraOptions = {std::string("-I") + DS_CUDA_INCLUDE_DIR};
  return options;
}

bool ds::codegen::addKernels(mlir::MLIRContext &context, ds::Module &module,
                             const KernelOptions &options,
                             const LaunchError &onError, KernelStats *stats) {
  struct Use {
    size_t entry, launch, variant;
  };
  std::vector<GeneratedKernel> kernels;
  std::vector<std::vector<Use>> uses;
  llvm::StringMap<size_t> byName;
  bool ok = true;
  size_t variants = 0;
  for (size_t e = 0; e < module.entries.size(); ++e) {
    ds::EntryPoint &entry = module.entries[e];
    for (size_t l = 0; l < entry.program.size(); ++l) {
      ds::Launch &launch = entry.program[l];
      for (size_t v = 0; v < launch.variants.size(); ++v) {
        ++variants;
        llvm::Expected<GeneratedKernel> k =
            generateKernel(context, entry, launch, v);
        if (!k) {
          onError(e, l, llvm::toString(k.takeError()));
          ok = false;
          break;
        }
        auto [it, inserted] = byName.try_emplace(k->name, kernels.size());
        if (inserted) {
          kernels.push_back(std::move(*k));
          uses.emplace_back();
        }
        uses[it->second].push_back({e, l, v});
      }
    }
  }
  if (!ok)
    return false;

  std::vector<KernelSource> sources;
  for (const GeneratedKernel &k : kernels) {
    llvm::Expected<std::string> source = makeSelfContained(k.source);
    if (!source) {
      const Use &u = uses[sources.size()].front();
      onError(u.entry, u.launch, llvm::toString(source.takeError()));
      return false;
    }
    sources.push_back({k.name, k.name, std::move(*source)});
  }

  NvrtcOptions nvrtc = moduleNvrtcOptions(module);
  nvrtc.cacheDir = options.nvrtc.cacheDir;
  nvrtc.threads = options.nvrtc.threads;
  nvrtc.extraOptions.insert(nvrtc.extraOptions.end(),
                            options.nvrtc.extraOptions.begin(),
                            options.nvrtc.extraOptions.end());
  std::vector<llvm::Expected<CompiledKernel>> compiled =
      compileKernels(sources, nvrtc);
  size_t fromCache = 0;
  module.kernels.clear();
  for (size_t i = 0; i < kernels.size(); ++i) {
    const Use &first = uses[i].front();
    if (!compiled[i]) {
      onError(first.entry, first.launch,
              llvm::toString(compiled[i].takeError()));
      ok = false;
      continue;
    }
    if (llvm::Error e = checkNoLocalMemory(sources[i], compiled[i]->report)) {
      onError(first.entry, first.launch, llvm::toString(std::move(e)));
      ok = false;
      continue;
    }
    fromCache += compiled[i]->fromCache;
    ds::Kernel k;
    k.name = kernels[i].name;
    k.entry = kernels[i].name;
    k.source = std::move(sources[i].source);
    k.cubin = std::move(compiled[i]->cubin);
    k.ptx = std::move(compiled[i]->ptx);
    k.block = kernels[i].block;
    k.sharedMemoryBytes = 0;
    k.report = std::move(compiled[i]->report);
    k.grid = kernels[i].grid;
    for (const Use &u : uses[i])
      module.entries[u.entry].program[u.launch].variants[u.variant].kernel =
          static_cast<int32_t>(module.kernels.size());
    module.kernels.push_back(std::move(k));
  }
  if (stats)
    *stats = {variants, kernels.size(), fromCache};
  return ok;
}
