//===- ds-interp.cpp - run a moe module on the CPU reference --------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//   ds-interp model.mlir --weights <checkpoint> --inputs in.safetensors
//             -o out.safetensors [--entry forward]
//
// Binds the entry function's arguments by name (argument attribute
// `moe.name`, else `arg<i>`) from the input file, the parameters from the
// checkpoint (a file, a directory or a sharded index), evaluates the function
// with the CPU reference library and writes its results, named by the result
// attribute `moe.name` (else `result<i>`). A missing `positions` argument
// defaults to 0 .. T-1.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeDialect.h"
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

static int fail(const Twine &message) {
  WithColor::error(errs(), "ds-interp") << message << "\n";
  return 1;
}

static std::string nameOf(mlir::DictionaryAttr attrs, StringRef fallback,
                          unsigned i) {
  if (attrs)
    if (auto name = attrs.getAs<mlir::StringAttr>(
            ds::moe::MoeDialect::getNameAttrName()))
      return name.str();
  return (fallback + Twine(i)).str();
}

/// Reads the argument tensors of `func` from `file`.
static llvm::Expected<std::vector<cpu::Tensor>>
readArguments(mlir::func::FuncOp func, const SafetensorsFile &file) {
  auto error = [&](const Twine &message) {
    return createStringError(inconvertibleErrorCode(),
                             file.path() + ": " + message.str());
  };
  std::vector<cpu::Tensor> args;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string name = nameOf(func.getArgAttrDict(i), "arg", i);
    auto type = dyn_cast<mlir::RankedTensorType>(func.getArgumentTypes()[i]);
    std::string typeText;
    raw_string_ostream(typeText) << func.getArgumentTypes()[i];
    if (!type || !interp::dtypeOf(type.getElementType()))
      return error("argument " + Twine(i) + " of @" + func.getName() + " is " +
                   typeText + ", not a ranked tensor of a checkpoint dtype");
    DType dtype = interp::dtypeOf(type.getElementType()).value_or(DType::F32);
    const TensorInfo *info = file.find(name);
    if (!info && name == "positions" && isIntegerDType(dtype) &&
        type.getRank() == 1 && !args.empty() && args.front().rank() == 1) {
      // Positions default to 0 .. T-1 for a single sequence.
      int64_t t = args.front().dim(0);
      std::vector<int64_t> positions(t);
      for (int64_t p = 0; p < t; ++p)
        positions[p] = p;
      args.push_back(cpu::Tensor::ints(dtype, {t}, std::move(positions)));
      continue;
    }
    if (!info)
      return error("no tensor '" + name + "' for argument " + Twine(i) +
                   " of @" + func.getName());
    if (!interp::matchesType(type, info->dtype, info->shape))
      return error("tensor '" + name + "' is " + dtypeName(info->dtype) +
                   cpu::shapeToString(info->shape) + ", argument " + Twine(i) +
                   " of @" + func.getName() + " is " + typeText);
    ds::Expected<cpu::Tensor> tensor =
        cpu::Tensor::decode(info->dtype, info->shape, info->data, info->size);
    if (!tensor)
      return error("tensor '" + name + "': " + tensor.message());
    args.push_back(std::move(tensor).value());
  }
  return args;
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

  ds::Expected<Checkpoint> checkpoint = Checkpoint::open(weightsPath);
  if (!checkpoint)
    return fail(checkpoint.message());
  ds::Expected<SafetensorsFile> inputs = SafetensorsFile::open(inputsPath);
  if (!inputs)
    return fail(inputs.message());
  llvm::Expected<std::vector<cpu::Tensor>> args =
      readArguments(func, inputs.value());
  if (!args)
    return fail(toString(args.takeError()));

  interp::WeightStore weights(*module, checkpoint.value());
  mlir::FailureOr<std::vector<cpu::Tensor>> results =
      interp::evaluate(func, *args, weights);
  if (failed(results))
    return 1; // located error already reported

  std::vector<std::vector<uint8_t>> bytes;
  std::vector<TensorToWrite> tensors;
  for (auto [i, result] : llvm::enumerate(*results)) {
    bytes.push_back(result.encode());
    tensors.push_back({nameOf(func.getResultAttrDict(i), "result", i),
                       result.dtype(), result.shape(), bytes.back().data(),
                       bytes.back().size()});
  }
  if (Status written = writeSafetensors(outputPath, tensors); !written.ok())
    return fail(written.message());
  return 0;
}
