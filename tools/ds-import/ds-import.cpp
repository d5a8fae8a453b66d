//===- ds-import.cpp - Hugging Face config / checkpoint to moe IR ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//   ds-import <config.json | checkpoint dir> [-o model.mlir]
//             [--num-layers N] [--max-tokens N] [--activation-dtype
//             bf16|f16|f32]
//             [--expert-layout auto|per-expert|fused]
//             [--router-group-fill neg-inf|zero]
//   ds-import --check-weights <checkpoint dir> [config.json]
//
//===----------------------------------------------------------------------===//

#include "frontend/CheckWeights.h"
#include "frontend/ImportModel.h"
#include "frontend/ModelConfig.h"
#include "tools/common/DsDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace ds::frontend;

static cl::OptionCategory category("ds-import options");

static cl::opt<std::string>
    inputPath(cl::Positional, cl::desc("<config.json | checkpoint directory>"),
              cl::cat(category));

static cl::opt<std::string> outputPath("o",
                                       cl::desc("Output file (default: -)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));

static cl::opt<int64_t>
    numLayers("num-layers", cl::desc("Import only the first N decoder layers"),
              cl::init(-1), cl::cat(category));

static cl::opt<int64_t>
    maxTokens("max-tokens",
              cl::desc("Upper bound on tokens per call (recorded as "
                       "moe.max_tokens)"),
              cl::init(-1), cl::cat(category));

static cl::opt<std::string> activationDtype(
    "activation-dtype",
    cl::desc("Activation element type: bf16, f16 or f32 (default: the "
             "checkpoint dtype)"),
    cl::init(""), cl::cat(category));

static cl::opt<std::string> expertLayout(
    "expert-layout",
    cl::desc("Routed-expert weights: per-expert (released checkpoints), "
             "fused (transformers v5 gate_up_proj), or auto (from the "
             "checkpoint in the input directory; per-expert without one)"),
    cl::init("auto"), cl::cat(category));

static cl::opt<std::string> groupFill(
    "router-group-fill",
    cl::desc("Score of experts in dropped groups under group-limited "
             "routing: neg-inf (DeepSeek reference) or zero (transformers)"),
    cl::init("neg-inf"), cl::cat(category));

static cl::opt<std::string> checkWeights(
    "check-weights",
    cl::desc("Check that the checkpoint in <dir> fits the imported module: "
             "names every missing, extra, mis-shaped or mis-typed tensor"),
    cl::value_desc("dir"), cl::init(""), cl::cat(category));

static int fail(const Twine &message) {
  WithColor::error(errs(), "ds-import") << message << "\n";
  return 1;
}

/// Resolves the config path: a file, or `config.json` in a directory.
static std::string configPathOf(StringRef path) {
  if (sys::fs::is_directory(path)) {
    SmallString<256> config(path);
    sys::path::append(config, "config.json");
    return std::string(config);
  }
  return path.str();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "ds-import: Hugging Face config.json (and checkpoint) to moe IR\n");

  std::string input = inputPath;
  if (input.empty() && !checkWeights.empty())
    input = checkWeights;
  if (input.empty())
    return fail("no input: give a config.json or a checkpoint directory");
  std::string configPath = configPathOf(input);

  // A FIFO or a device would block or never end; a config is a small file.
  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(configPath, status))
    return fail("cannot read '" + configPath + "': " + ec.message());
  if (status.type() != sys::fs::file_type::regular_file)
    return fail("cannot read '" + configPath + "': not a regular file");
  if (status.getSize() > kMaxConfigBytes)
    return fail("'" + configPath + "': " + Twine(status.getSize()) +
                " bytes is larger than a config can be (" +
                Twine(kMaxConfigBytes) + " bytes at most)");
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(configPath, /*IsText=*/true);
  if (!buffer)
    return fail("cannot read '" + configPath +
                "': " + buffer.getError().message());
  Expected<ModelConfig> config =
      parseModelConfig((*buffer)->getBuffer(), configPath);
  if (!config)
    return fail(toString(config.takeError()));

  ImportOptions options;
  if (numLayers >= 0)
    options.numLayers = numLayers;
  else if (numLayers.getNumOccurrences())
    return fail("--num-layers must be >= 0, got " + Twine(numLayers));
  if (maxTokens.getNumOccurrences())
    options.maxTokens = maxTokens;
  if (!activationDtype.empty())
    options.activationDtype = activationDtype;

  // The checkpoint next to the config decides the expert layout on `auto`.
  std::string checkpointDir = !checkWeights.empty() ? checkWeights.getValue()
                              : sys::fs::is_directory(input) ? input
                                                             : std::string();
  if (expertLayout != "auto" && expertLayout != "per-expert" &&
      expertLayout != "fused")
    return fail("--expert-layout must be auto, per-expert or fused, got '" +
                expertLayout + "'");
  bool detectLayout = expertLayout == "auto" && !checkpointDir.empty() &&
                      hasCheckpoint(checkpointDir);

  // Opened (and validated) once: for --check-weights and for `auto`.
  std::optional<ds::Checkpoint> checkpoint;
  if (!checkWeights.empty() || detectLayout) {
    ds::Expected<ds::Checkpoint> opened = ds::Checkpoint::open(checkpointDir);
    if (!opened)
      return fail(opened.message());
    checkpoint = std::move(opened).value();
  }
  if (expertLayout == "fused")
    options.expertLayout = ExpertLayout::Fused;
  else if (detectLayout)
    options.expertLayout = detectExpertLayout(*checkpoint);

  if (groupFill == "zero")
    options.groupFill = ds::moe::GroupFill::zero;
  else if (groupFill != "neg-inf")
    return fail("--router-group-fill must be neg-inf or zero, got '" +
                groupFill + "'");

  mlir::DialectRegistry registry;
  ds::registerDsDialects(registry);
  mlir::MLIRContext context(registry);
  Expected<mlir::OwningOpRef<mlir::ModuleOp>> imported =
      importModel(context, *config, options);
  if (!imported)
    return fail(toString(imported.takeError()));
  mlir::OwningOpRef<mlir::ModuleOp> module = std::move(*imported);
  if (failed(mlir::verify(*module)))
    return fail("internal error: the imported module does not verify");

  if (!checkWeights.empty()) {
    Expected<CheckReport> report =
        checkCheckpoint(*module, *config, *checkpoint);
    if (!report)
      return fail(toString(report.takeError()));
    report->print(outs());
    return report->ok() ? 0 : 1;
  }

  std::string openError;
  std::unique_ptr<ToolOutputFile> output =
      mlir::openOutputFile(outputPath, &openError);
  if (!output)
    return fail(openError);
  module->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
