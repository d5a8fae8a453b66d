//===- interp_fuzzer.cpp - fuzz ds-interp's inputs ------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of an inputs .safetensors file. The module is fixed: the
// first decoder layer of the golden Mixtral fixture (test/golden/mixtral,
// imported once, as ds-import does), with its checkpoint. Each input file is
// read, bound to @forward's arguments by the runtime's input binding
// (ds/binding.h, as ds-interp binds them: `input_ids`; `positions` defaulting
// to 0 .. T-1; dtypes, shapes, token and position limits checked), and
// evaluated on the CPU reference under a memory budget. A malformed file or
// argument must be an error, never a crash.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeParameterTable.h"
#include "frontend/ImportModel.h"
#include "frontend/ModelConfig.h"
#include "interp/Interpreter.h"
#include "tools/common/DsDialects.h"

#include "ds/binding.h"
#include "ds/memory.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace ds;

#ifndef DS_SOURCE_DIR
#error "DS_SOURCE_DIR must name the repository root"
#endif

namespace {

/// Longest sequence evaluated (attention is quadratic in it).
constexpr int64_t MaxTokens = 64;

/// The memory one evaluation may use.
constexpr int64_t MemoryLimit = int64_t(256) << 20;

struct Model {
  mlir::MLIRContext context{mlir::MLIRContext::Threading::DISABLED};
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp forward;
  std::optional<Checkpoint> checkpoint;
  std::optional<ParameterTable> parameters;
  std::optional<EntrySignature> signature;

  Model() {
    std::string dir = DS_SOURCE_DIR "/test/golden/mixtral";
    auto buffer = llvm::MemoryBuffer::getFile(dir + "/config.json");
    fuzz::check(bool(buffer), "reading the golden Mixtral config");
    llvm::Expected<frontend::ModelConfig> config =
        frontend::parseModelConfig((*buffer)->getBuffer(), "config.json");
    fuzz::check(bool(config), "parsing the golden Mixtral config");
    frontend::ImportOptions options;
    options.numLayers = 1;
    options.groupFill = moe::GroupFill::zero;
    mlir::DialectRegistry registry;
    registerDsDialects(registry);
    context.appendDialectRegistry(registry);
    llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> imported =
        frontend::importModel(context, *config, options);
    fuzz::check(bool(imported), "importing the golden Mixtral config");
    module = std::move(*imported);
    fuzz::check(mlir::succeeded(mlir::verify(*module)),
                "the golden Mixtral module verifies");
    forward = module->lookupSymbol<mlir::func::FuncOp>("forward");
    fuzz::check(bool(forward), "@forward");
    Expected<Checkpoint> opened = Checkpoint::open(dir);
    fuzz::check(opened.ok(), "opening the golden Mixtral checkpoint");
    checkpoint = std::move(opened).value();
    llvm::Expected<ParameterTable> table = moe::parameterTable(*module);
    fuzz::check(bool(table), "the parameter table of the golden Mixtral");
    parameters = std::move(*table);
    llvm::Expected<EntrySignature> entry =
        interp::entrySignature(forward, *module);
    fuzz::check(bool(entry), "the signature of @forward");
    signature = std::move(*entry);
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Model *model = new Model();
  static fuzz::MemFile file("inputs.safetensors");
  Expected<SafetensorsFile> inputs =
      SafetensorsFile::open(file.write(data, size));
  if (!inputs)
    return 0;
  Expected<std::vector<cpu::Tensor>> args =
      bindInputs(*model->signature, *inputs);
  if (!args)
    return 0;
  // Attention is quadratic in T: keep each run short.
  std::optional<int64_t> tokens = tokenCount(*model->signature, *args);
  if (tokens && *tokens > MaxTokens)
    return 0;
  mlir::ScopedDiagnosticHandler silence(
      &model->context, [](mlir::Diagnostic &) { return mlir::success(); });
  // A fresh store per input: weights are read again, as in a new ds-interp.
  interp::WeightStore weights(*model->parameters, *model->checkpoint);
  MemoryBudget budget(MemoryLimit);
  mlir::FailureOr<std::vector<cpu::Tensor>> results =
      interp::evaluate(model->forward, *args, weights, budget);
  (void)results;
  return 0;
}
