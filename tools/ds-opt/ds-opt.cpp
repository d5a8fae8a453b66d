//===- ds-opt.cpp - the ds optimizer driver -------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// `ds-opt` parses, verifies, transforms and prints ds IR: the upstream
// `mlir-opt` driver with the ds dialects, passes and pipelines and the
// upstream passes users expect (canonicalize, cse, inline, symbol-dce, the IR
// printing options).
//
// With `-o <file>.dsb` it compiles: it runs the passes named on the command
// line, then the `ds-compile` pipeline with the options of
// `--ds-compile-options` (fusion and the other optimization passes on by
// default) unless the module is already planned kernel IR (kernel IR that is
// not planned yet, e.g. after `--moe-lower-to-kernels`, gets the rest of it:
// kernel-select-configs, which keeps the configs already chosen, and
// kernel-plan-buffers), and writes the
// `.dsb` module (codegen/ModuleWriter.h; a translation, not a pass) with
// its kernels, compiled by NVRTC (`--no-kernels`: none, for the cpu backend
// only).
// Diagnostics are one located error each: the op is not printed after it
// (no "see current operation" dump of a whole function). Any other output
// keeps mlir-opt's behaviour.
//
//===----------------------------------------------------------------------===//

#include "codegen/ModuleWriter.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"
#include "tools/common/DsDialects.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

static llvm::cl::OptionCategory kModuleCategory("ds-opt -o <file>.dsb options");
static llvm::cl::opt<bool> noKernels(
    "no-kernels",
    llvm::cl::desc("Write the module without compiled kernels (it runs on "
                   "the cpu backend only)"),
    llvm::cl::cat(kModuleCategory));
static llvm::cl::opt<bool> kernelStats(
    "kernel-stats",
    llvm::cl::desc("Print the kernel count, the distinct kernels and the "
                   "NVRTC cache hits to stderr"),
    llvm::cl::cat(kModuleCategory));
static llvm::cl::opt<std::string> compileOptions(
    "ds-compile-options",
    llvm::cl::desc("Options of the ds-compile pipeline that -o x.dsb runs, "
                   "as `--ds-compile=` takes them (e.g. "
                   "'fusion=false', 'fuse-add-rms-norm=false target=sm_80')"),
    llvm::cl::value_desc("options"), llvm::cl::cat(kModuleCategory));
static llvm::cl::opt<unsigned>
    kernelThreads("kernel-threads",
                  llvm::cl::desc("NVRTC compile threads (0: one per core)"),
                  llvm::cl::init(0), llvm::cl::cat(kModuleCategory));

/// Whether every function with a body holds only kernel and func ops (the
/// lowering has run).
static bool isKernelIR(ModuleOp module) {
  bool any = false;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    any = true;
    WalkResult walk = func.walk([](Operation *op) {
      Dialect *dialect = op->getDialect();
      StringRef ns = dialect ? dialect->getNamespace() : "";
      return ns == "kernel" || ns == "func" ? WalkResult::advance()
                                            : WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      return false;
  }
  return any;
}

/// Runs the command line's passes and the compile pipeline on `inputFilename`
/// and writes the module to `outputFilename`.
static LogicalResult compileToModule(llvm::StringRef inputFilename,
                                     llvm::StringRef outputFilename,
                                     DialectRegistry &registry) {
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(inputFilename, &message);
  if (!file) {
    llvm::errs() << "ds-opt: " << message << "\n";
    return failure();
  }
  MLIRContext context(registry);
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());
  // A located error is the message; the generic form of the op (for a
  // function-level error, the whole function) is noise.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return failure();

  // The options of the pipeline run below, checked before any pass runs.
  std::unique_ptr<ds::CompilePipelineOptions> pipelineOptions =
      ds::CompilePipelineOptions::createFromString(compileOptions);
  if (!pipelineOptions) {
    llvm::errs() << "ds-opt: error: --ds-compile-options='" << compileOptions
                 << "': not options of ds-compile (see the message above and "
                    "`ds-opt --help`)\n";
    return failure();
  }

  PassManager pm(&context, ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)) ||
      failed(config.setupPassPipeline(pm)) || failed(pm.run(*module)))
    return failure();
  if (ds::codegen::isPlanned(*module) && compileOptions.getNumOccurrences()) {
    llvm::errs() << "ds-opt: error: --ds-compile-options='" << compileOptions
                 << "': the module is already planned kernel IR, so "
                    "ds-compile does not run (the passes on the command line "
                    "planned it; give the options there)\n";
    return failure();
  }
  if (!ds::codegen::isPlanned(*module)) {
    PassManager compile(&context, ModuleOp::getOperationName());
    if (failed(applyPassManagerCLOptions(compile)))
      return failure();
    if (isKernelIR(*module))
      ds::buildKernelPipeline(compile, *pipelineOptions);
    else
      ds::buildCompilePipeline(compile, *pipelineOptions);
    if (failed(compile.run(*module)))
      return failure();
  }
  ds::codegen::WriterOptions options;
  options.kernels = !noKernels;
  options.kernelOptions.nvrtc.threads = kernelThreads;
  ds::codegen::KernelStats stats;
  options.stats = &stats;
  if (failed(ds::codegen::writeModuleFile(*module, outputFilename, options)))
    return failure();
  if (kernelStats && options.kernels)
    llvm::errs() << "kernels: " << stats.variants << " launch variants, "
                 << stats.distinct << " distinct kernels, " << stats.fromCache
                 << " from the NVRTC cache\n";
  return success();
}

int main(int argc, char **argv) {
  DialectRegistry registry;
  ds::registerDsDialects(registry);

  // Upstream transformations (canonicalize, cse, inline, symbol-dce,
  // print-op-stats, ...).
  registerTransformsPasses();
  // ds passes (passes/Passes.td) and pipelines (passes/Pipelines.h).
  ds::registerDSPasses();
  ds::registerDSPipelines();

  auto [inputFilename, outputFilename] =
      registerAndParseCLIOptions(argc, argv, "ds optimizer driver\n", registry);
  if (llvm::StringRef(outputFilename).ends_with(".dsb"))
    return asMainReturnCode(
        compileToModule(inputFilename, outputFilename, registry));
  return asMainReturnCode(
      MlirOptMain(argc, argv, inputFilename, outputFilename, registry));
}
