//===- interp_fuzzer.cpp - fuzz ds-interp's inputs ------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of an inputs .safetensors file. The module is fixed: the
// first decoder layer of the golden Mixtral fixture (test/golden/mixtral,
// imported once, as ds-import does), with its checkpoint. Each input file is
// read, bound to @forward's arguments by name as ds-interp binds them
// (`input_ids`; `positions` defaulting to 0 .. T-1), and evaluated on the CPU
// reference. A malformed file or argument must be an error, never a crash.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "dialects/moe/MoeDialect.h"
#include "frontend/ImportModel.h"
#include "frontend/ModelConfig.h"
#include "interp/Interpreter.h"

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

struct Model {
  mlir::MLIRContext context{mlir::MLIRContext::Threading::DISABLED};
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp forward;
  std::optional<Checkpoint> checkpoint;

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
    std::string error;
    module = frontend::importModel(context, *config, options, error);
    fuzz::check(module && mlir::succeeded(mlir::verify(*module)),
                "importing the golden Mixtral config");
    forward = module->lookupSymbol<mlir::func::FuncOp>("forward");
    fuzz::check(bool(forward), "@forward");
    Expected<Checkpoint> opened = Checkpoint::open(dir);
    fuzz::check(opened.ok(), "opening the golden Mixtral checkpoint");
    checkpoint = std::move(opened).value();
  }
};

std::string nameOf(mlir::DictionaryAttr attrs, unsigned i) {
  if (attrs)
    if (auto name = attrs.getAs<mlir::StringAttr>("moe.name"))
      return name.str();
  return "arg" + std::to_string(i);
}

/// Binds @forward's arguments from `file` as ds-interp does; false when the
/// file does not fit.
bool bindArguments(mlir::func::FuncOp func, const SafetensorsFile &file,
                   std::vector<cpu::Tensor> &args) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    std::string name = nameOf(func.getArgAttrDict(i), i);
    auto type =
        llvm::dyn_cast<mlir::RankedTensorType>(func.getArgumentTypes()[i]);
    if (!type || !interp::dtypeOf(type.getElementType()))
      return false;
    DType dtype = *interp::dtypeOf(type.getElementType());
    const TensorInfo *info = file.find(name);
    if (!info && name == "positions" && isIntegerDType(dtype) &&
        type.getRank() == 1 && !args.empty() && args.front().rank() == 1) {
      int64_t t = args.front().dim(0);
      std::vector<int64_t> positions(t);
      for (int64_t p = 0; p < t; ++p)
        positions[p] = p;
      args.push_back(cpu::Tensor::ints(dtype, {t}, std::move(positions)));
      continue;
    }
    if (!info || !interp::matchesType(type, info->dtype, info->shape))
      return false;
    for (int64_t dim : info->shape)
      if (dim > MaxTokens)
        return false;
    Expected<cpu::Tensor> tensor =
        cpu::Tensor::decode(info->dtype, info->shape, info->data, info->size);
    if (!tensor)
      return false;
    args.push_back(std::move(tensor).value());
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Model *model = new Model();
  static fuzz::MemFile file("inputs.safetensors");
  Expected<SafetensorsFile> inputs =
      SafetensorsFile::open(file.write(data, size));
  if (!inputs)
    return 0;
  std::vector<cpu::Tensor> args;
  if (!bindArguments(model->forward, *inputs, args))
    return 0;
  mlir::ScopedDiagnosticHandler silence(
      &model->context, [](mlir::Diagnostic &) { return mlir::success(); });
  // A fresh store per input: weights are read again, as in a new ds-interp.
  interp::WeightStore weights(*model->module, *model->checkpoint);
  mlir::FailureOr<std::vector<cpu::Tensor>> results =
      interp::evaluate(model->forward, args, weights);
  (void)results;
  return 0;
}
