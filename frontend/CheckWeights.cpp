//===- CheckWeights.cpp - does a checkpoint fit an imported module? -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "frontend/CheckWeights.h"
#include "dialects/moe/MoeStorageTypes.h"
#include "ds/cpu/tensor.h"

#include "dialects/moe/MoeOps.h"

#include "ds/safetensors.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <map>

using namespace mlir;
using namespace ds::frontend;

static llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool ds::frontend::hasCheckpoint(llvm::StringRef dir) {
  for (const char *name :
       {"model.safetensors", "model.safetensors.index.json"}) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    if (llvm::sys::fs::exists(path))
      return true;
  }
  return false;
}

ExpertLayout
ds::frontend::detectExpertLayout(const ds::Checkpoint &checkpoint) {
  for (const std::string &name : checkpoint.names())
    if (llvm::StringRef(name).ends_with(".experts.gate_up_proj"))
      return ExpertLayout::Fused;
  return ExpertLayout::PerExpert;
}

// "[2, 3]": the runtime's one shape printer.
static std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  return ds::cpu::shapeToString(ds::cpu::Shape(shape.begin(), shape.end()));
}

namespace {
struct ExpectedTensor {
  ds::DType dtype;
  std::vector<int64_t> shape;
};
} // namespace

/// The decoder layer a checkpoint key belongs to (`model.layers.K.`), if any.
static std::optional<int64_t> layerOf(llvm::StringRef name) {
  if (!name.consume_front("model.layers."))
    return std::nullopt;
  int64_t layer;
  if (name.consumeInteger(10, layer) || !name.starts_with("."))
    return std::nullopt;
  return layer;
}

llvm::Expected<CheckReport>
ds::frontend::checkCheckpoint(ModuleOp module, const ModelConfig &config,
                              const ds::Checkpoint &checkpoint) {
  // Every checkpoint tensor the module reads.
  std::map<std::string, ExpectedTensor> wanted;
  for (auto param : module.getOps<moe::ParameterOp>()) {
    std::optional<llvm::StringRef> key = param.getKey();
    if (!key)
      continue;
    RankedTensorType type = param.getTensorType();
    std::optional<ds::DType> dtype = moe::dtypeOf(type.getElementType());
    if (!dtype)
      return makeError("parameter '" + param.getSymName().str() +
                       "' has no checkpoint dtype");
    std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
    if (!param.isStacked()) {
      wanted[key->str()] = {*dtype, shape};
      continue;
    }
    auto [head, tail] = key->split('*');
    std::vector<int64_t> slice(shape.begin() + 1, shape.end());
    for (int64_t i = 0; i < shape.front(); ++i)
      wanted[(head + std::to_string(i) + tail).str()] = {*dtype, slice};
  }

  std::map<std::string, std::string> fileOf;
  for (const ds::SafetensorsFile &file : checkpoint.files())
    for (const ds::TensorInfo &tensor : file.tensors())
      fileOf[tensor.name] = llvm::sys::path::filename(file.path()).str();

  int64_t importedLayers = config.numLayers;
  if (auto summary = module->getAttrOfType<DictionaryAttr>(
          moe::MoeDialect::getConfigAttrName()))
    if (auto n = summary.getAs<IntegerAttr>("num_imported_layers"))
      importedLayers = n.getInt();

  // Layers the checkpoint may hold: the decoder layers and the extra ones
  // inference skips (DeepSeek-V3's multi-token-prediction layer).
  int64_t checkpointLayers = config.numLayers + config.numExtraCheckpointLayers;

  CheckReport report;
  report.expected = wanted.size();
  for (const auto &[name, want] : wanted) {
    const ds::TensorInfo *have = checkpoint.find(name);
    if (!have) {
      report.missing.push_back(name + " (" + ds::dtypeName(want.dtype) + " " +
                               shapeText(want.shape) + ")");
      continue;
    }
    bool good = true;
    if (have->shape != want.shape) {
      report.wrongShape.push_back(name + ": expected " + shapeText(want.shape) +
                                  ", " + fileOf[name] + " has " +
                                  shapeText(have->shape));
      good = false;
    }
    if (have->dtype != want.dtype) {
      report.wrongDtype.push_back(
          name + ": expected " + ds::dtypeName(want.dtype) + ", " +
          fileOf[name] + " has " + ds::dtypeName(have->dtype));
      good = false;
    }
    report.matched += good;
  }
  for (const std::string &name : checkpoint.names()) {
    if (wanted.count(name))
      continue;
    // Layers beyond the imported ones (--num-layers, DeepSeek-V3's MTP
    // layer) and HF's cached rotary frequencies are not model weights here.
    std::optional<int64_t> layer = layerOf(name);
    if ((layer && *layer >= importedLayers && *layer < checkpointLayers) ||
        llvm::StringRef(name).ends_with(".rotary_emb.inv_freq")) {
      ++report.ignored;
      continue;
    }
    const ds::TensorInfo *have = checkpoint.find(name);
    report.extra.push_back(name + " (" + ds::dtypeName(have->dtype) + " " +
                           shapeText(have->shape) + ", " + fileOf[name] + ")");
  }
  return report;
}

void CheckReport::print(llvm::raw_ostream &os) const {
  os << "checked " << expected << " tensors: " << matched << " match, "
     << missing.size() << " missing, " << extra.size() << " extra, "
     << wrongShape.size() << " with the wrong shape, " << wrongDtype.size()
     << " with the wrong dtype";
  if (ignored)
    os << " (" << ignored << (ignored == 1 ? " tensor" : " tensors")
       << " of layers not imported ignored)";
  os << "\n";
  auto list = [&](llvm::StringRef label, const std::vector<std::string> &v) {
    for (const std::string &line : v)
      os << "  " << label << ": " << line << "\n";
  };
  list("missing", missing);
  list("extra", extra);
  list("wrong shape", wrongShape);
  list("wrong dtype", wrongDtype);
  os << (ok() ? "checkpoint OK\n" : "checkpoint does not fit the model\n");
}
