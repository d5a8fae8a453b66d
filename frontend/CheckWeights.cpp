//===- CheckWeights.cpp - does a checkpoint fit an imported module? -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "frontend/CheckWeights.h"
#include "dialects/moe/MoeParameterTable.h"
#include "dialects/moe/MoeStorageTypes.h"
#include "ds/cpu/tensor.h"

#include "dialects/moe/MoeOps.h"

#include "ds/binding.h"
#include "ds/safetensors.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace ds::frontend;

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
  llvm::Expected<ds::ParameterTable> table = moe::parameterTable(module);
  if (!table)
    return table.takeError();
  ds::WeightReport weights = ds::checkWeights(*table, checkpoint);

  int64_t importedLayers = config.numLayers;
  if (auto summary = module->getAttrOfType<DictionaryAttr>(
          moe::MoeDialect::getConfigAttrName()))
    if (auto n = summary.getAs<IntegerAttr>("num_imported_layers"))
      importedLayers = n.getInt();

  // Layers the checkpoint may hold: the decoder layers and the extra ones
  // inference skips (DeepSeek-V3's multi-token-prediction layer).
  int64_t checkpointLayers = config.numLayers + config.numExtraCheckpointLayers;

  CheckReport report;
  report.expected = weights.expected;
  report.matched = weights.matched;
  for (const ds::CheckpointTensorSpec &want : weights.missing)
    report.missing.push_back(want.key + " (" + ds::dtypeName(want.dtype) + " " +
                             shapeText(want.shape) + ")");
  for (const ds::WeightMismatch &m : weights.wrongShape)
    report.wrongShape.push_back(m.expected.key + ": expected " +
                                shapeText(m.expected.shape) + ", " + m.file +
                                " has " + shapeText(m.actual->shape));
  for (const ds::WeightMismatch &m : weights.wrongDtype)
    report.wrongDtype.push_back(
        m.expected.key + ": expected " + ds::dtypeName(m.expected.dtype) +
        ", " + m.file + " has " + ds::dtypeName(m.actual->dtype));
  for (const ds::ExtraTensor &extra : weights.extra) {
    const std::string &name = extra.tensor->name;
    // Layers beyond the imported ones (--num-layers, DeepSeek-V3's MTP
    // layer) and HF's cached rotary frequencies are not model weights here.
    std::optional<int64_t> layer = layerOf(name);
    if ((layer && *layer >= importedLayers && *layer < checkpointLayers) ||
        llvm::StringRef(name).ends_with(".rotary_emb.inv_freq")) {
      ++report.ignored;
      continue;
    }
    report.extra.push_back(name + " (" + ds::dtypeName(extra.tensor->dtype) +
                           " " + shapeText(extra.tensor->shape) + ", " +
                           extra.file + ")");
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
