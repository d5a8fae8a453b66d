//===- ds-translate.cpp - translations out of ds IR -----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The upstream `mlir-translate` driver with the ds translations:
//
//   --kernel-to-cuda   planned kernel IR (after ds-compile) -> the CUDA C++ of
//                      every distinct kernel of the module, as
//                      `ds-opt -o x.dsb` generates it (codegen/KernelToCuda),
//                      each after a comment with its block, its grid as a
//                      function of T and the launches that use it. With
//                      --self-contained, the device library is inlined as in
//                      the module.
//
//===----------------------------------------------------------------------===//

#include "codegen/DeviceLibrary.h"
#include "codegen/KernelToCuda.h"
#include "codegen/ModuleWriter.h"
#include "tools/common/DsDialects.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

static llvm::cl::opt<bool>
    selfContained("self-contained",
                  llvm::cl::desc("--kernel-to-cuda: inline the device "
                                 "library, as the module stores the source"));

static LogicalResult kernelToCuda(ModuleOp module, llvm::raw_ostream &os) {
  std::vector<std::vector<Operation *>> launchOps;
  FailureOr<ds::Module> built = ds::codegen::buildModule(module, &launchOps);
  if (failed(built))
    return failure();
  struct Kernel {
    ds::codegen::GeneratedKernel kernel;
    std::vector<std::string> uses;
  };
  std::vector<Kernel> kernels;
  llvm::StringMap<size_t> byName;
  for (auto [e, entry] : llvm::enumerate(built->entries)) {
    for (auto [l, launch] : llvm::enumerate(entry.program)) {
      if (launch.variants.empty())
        return launchOps[e][l]->emitError()
               << "no config to generate a kernel for (run "
                  "kernel-select-configs or ds-compile)";
      for (auto [vi, v] : llvm::enumerate(launch.variants)) {
        llvm::Expected<ds::codegen::GeneratedKernel> k =
            ds::codegen::generateKernel(*module.getContext(), entry, launch,
                                        vi);
        if (!k)
          return launchOps[e][l]->emitError() << "cannot generate the kernel: "
                                              << llvm::toString(k.takeError());
        auto [it, inserted] = byName.try_emplace(k->name, kernels.size());
        if (inserted)
          kernels.push_back({std::move(*k), {}});
        std::string use = llvm::formatv("@{0} #{1}", entry.name, l);
        if (v.config.maxTokens)
          use += llvm::formatv(" (T <= {0})", v.config.maxTokens).str();
        kernels[it->second].uses.push_back(use);
      }
    }
  }
  for (const Kernel &k : kernels) {
    const auto &g = k.kernel.grid;
    os << "// ===== kernel " << k.kernel.name << ": block ("
       << k.kernel.block[0] << ", " << k.kernel.block[1] << ", "
       << k.kernel.block[2] << "), grid (" << ds::formatGridDim(g[0]) << ", "
       << ds::formatGridDim(g[1]) << ", " << ds::formatGridDim(g[2])
       << ")\n// used by " << llvm::join(k.uses, ", ") << "\n";
    if (!selfContained) {
      os << k.kernel.source;
      continue;
    }
    llvm::Expected<std::string> source =
        ds::codegen::makeSelfContained(k.kernel.source);
    if (!source)
      return emitError(module.getLoc()) << llvm::toString(source.takeError());
    os << *source;
  }
  return success();
}

int main(int argc, char **argv) {
  TranslateFromMLIRRegistration kernelToCudaRegistration(
      "kernel-to-cuda",
      "planned kernel IR to the CUDA C++ of its kernels (codegen/KernelToCuda)",
      kernelToCuda,
      [](DialectRegistry &registry) { ds::registerDsDialects(registry); });
  return failed(mlirTranslateMain(argc, argv, "ds translation driver"));
}
