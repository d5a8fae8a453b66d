//===- ds-interp.cpp - run a moe module on the CPU reference --------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//   ds-interp model.mlir --weights <checkpoint> --inputs in.safetensors
//             -o out.safetensors [--entry forward] [--max-memory 64G]
//             [--profile-routing out.json]
//
// Binds the entry function's arguments by name (argument attribute
// `moe.name`, else `arg<i>`) from the input file, the parameters from the
// checkpoint (a file, a directory or a sharded index), evaluates the function
// with the CPU reference library and writes its results, named by the result
// attribute `moe.name` (else `result<i>`). A missing `positions` argument
// defaults to 0 .. T-1. Weight and input binding are the runtime's
// (ds/binding.h): T above the model's positions (`moe.max_tokens`, else
// `max_position_embeddings`) and positions outside them are refused. The
// estimated peak memory and every value are checked against --max-memory.
// --profile-routing writes how often each moe.router op (in program order)
// selected each expert (ds/routing_profile.h), the input of
// moe-prune-experts.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeParameterTable.h"
#include "interp/Interpreter.h"
#include "tools/common/DsDialects.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace ds;

static cl::OptionCategory category("ds-interp options");
static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string>
    weightsPath("weights",
                cl::desc("Checkpoint: model.safetensors, a directory, or "
                         "model.safetensors.index.json"),
                cl::value_desc("path"), cl::Required, cl::cat(category));
static cl::opt<std::string>
    inputsPath("inputs",
               cl::desc("safetensors file with one tensor per argument"),
               cl::value_desc("file"), cl::Required, cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::desc("Output safetensors file"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::opt<std::string> entry("entry", cl::desc("Function to evaluate"),
                                  cl::init("forward"), cl::cat(category));
static cl::opt<std::string> maxMemory(
    "max-memory",
    cl::desc("Memory limit in bytes (K, M, G, T suffixes); the estimated "
             "peak and every value are checked against it (default: half "
             "the physical memory)"),
    cl::value_desc("bytes"), cl::cat(category));

static cl::opt<std::string> profileRouting(
    "profile-routing",
    cl::desc("Write the expert selection counts of every moe.router op "
             "(JSON, ds/routing_profile.h)"),
    cl::value_desc("file"), cl::cat(category));

/// The model's name as the .dsb writer records it: model_type of
/// moe.config, else the module's name.
static std::string modelName(mlir::ModuleOp module) {
  if (auto config = module->getAttrOfType<mlir::DictionaryAttr>(
          moe::MoeDialect::getConfigAttrName()))
    if (auto type = config.getAs<mlir::StringAttr>("model_type"))
      return type.str();
  return module.getSymName() ? module.getSymName()->str() : "";
}

static int fail(const Twine &message) {
  WithColor::error(errs(), "ds-interp") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv, "ds-interp: evaluate a moe module on the CPU reference\n");

  mlir::DialectRegistry registry;
  registerDsDialects(registry);
  mlir::MLIRContext context(registry);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(inputPath, sourceMgr, &context);
  if (!module)
    return 1; // the parser has reported a located error
  if (failed(mlir::verify(*module)))
    return 1;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(entry);
  if (!func || func.isExternal())
    return fail("no function @" + entry + " with a body in " + inputPath);

  int64_t memoryLimit = defaultMemoryLimit();
  if (maxMemory.getNumOccurrences()) {
    ds::Expected<int64_t> limit = parseByteSize(maxMemory);
    if (!limit)
      return fail("--max-memory: " + limit.message());
    memoryLimit = *limit;
  }

  llvm::Expected<EntrySignature> signature =
      interp::entrySignature(func, *module);
  if (!signature) // named after the inputs, which cannot feed it
    return fail(inputsPath + ": " + toString(signature.takeError()));
  llvm::Expected<ParameterTable> parameters = moe::parameterTable(*module);
  if (!parameters)
    return fail(toString(parameters.takeError()));

  ds::Expected<Checkpoint> checkpoint = Checkpoint::open(weightsPath);
  if (!checkpoint)
    return fail(checkpoint.message());
  ds::Expected<SafetensorsFile> inputs = SafetensorsFile::open(inputsPath);
  if (!inputs)
    return fail(inputs.message());
  ds::Expected<std::vector<cpu::Tensor>> args =
      bindInputs(*signature, inputs.value());
  if (!args)
    return fail(args.message());

  interp::WeightStore weights(*parameters, checkpoint.value());
  MemoryBudget budget(memoryLimit);
  RoutingProfile profile;
  profile.model = modelName(*module);
  mlir::FailureOr<std::vector<cpu::Tensor>> results =
      interp::evaluate(func, *args, weights, budget,
                       profileRouting.empty() ? nullptr : &profile);
  if (failed(results))
    return 1; // located error already reported

  std::vector<std::vector<uint8_t>> bytes;
  std::vector<TensorToWrite> tensors;
  for (auto [i, result] : llvm::enumerate(*results)) {
    bytes.push_back(result.encode());
    tensors.push_back({moe::portName(func.getResultAttrDict(i), "result", i),
                       result.dtype(), result.shape(), bytes.back().data(),
                       bytes.back().size()});
  }
  if (Status written = writeSafetensors(outputPath, tensors); !written.ok())
    return fail(written.message());
  if (!profileRouting.empty())
    if (Status written = profile.write(profileRouting); !written.ok())
      return fail(written.message());
  return 0;
}
