//===- MoeParameterTable.cpp - a module's parameters for binding ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeParameterTable.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoeStorageTypes.h"

using namespace mlir;

llvm::Expected<ds::ParameterTable> ds::moe::parameterTable(ModuleOp module) {
  auto fail = [](const std::string &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  std::vector<ds::ParameterSpec> params;
  for (auto param : module.getOps<ParameterOp>()) {
    RankedTensorType type = param.getTensorType();
    std::optional<ds::DType> dtype = dtypeOf(type.getElementType());
    if (!dtype && !param.getKey())
      continue; // nothing to bind; reading it fails as an unknown parameter
    if (!dtype)
      return fail("parameter '" + param.getSymName().str() +
                  "' has no checkpoint dtype");
    ds::ParameterSpec spec;
    spec.name = param.getSymName().str();
    spec.key = param.getKey().value_or("").str();
    spec.dtype = *dtype;
    spec.shape.assign(type.getShape().begin(), type.getShape().end());
    if (std::optional<ArrayRef<int64_t>> slices = param.getSlices())
      spec.slices.assign(slices->begin(), slices->end());
    if (std::optional<ArrayAttr> keys = param.getConcatKeys())
      for (Attribute key : *keys)
        spec.concatKeys.push_back(cast<StringAttr>(key).str());
    if (std::optional<ArrayRef<int64_t>> rows = param.getConcatRows())
      spec.concatRows.assign(rows->begin(), rows->end());
    params.push_back(std::move(spec));
  }
  ds::Expected<ds::ParameterTable> table =
      ds::ParameterTable::create(std::move(params));
  if (!table)
    return fail(table.message());
  return std::move(table).value();
}

std::string ds::moe::portName(DictionaryAttr attrs, llvm::StringRef fallback,
                              unsigned i) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>(MoeDialect::getNameAttrName()))
      return name.str();
  return (fallback + llvm::Twine(i)).str();
}

ds::TokenLimits ds::moe::tokenLimits(ModuleOp module) {
  ds::TokenLimits limits;
  if (auto config = module->getAttrOfType<DictionaryAttr>(
          MoeDialect::getConfigAttrName()))
    if (auto positions = config.getAs<IntegerAttr>("max_position_embeddings")) {
      limits.maxPositions = positions.getInt();
      limits.maxTokens = positions.getInt();
      limits.maxTokensSource = "max_position_embeddings of the model";
    }
  if (auto maxTokens = module->getAttrOfType<IntegerAttr>(
          MoeDialect::getMaxTokensAttrName())) {
    limits.maxTokens = maxTokens.getInt();
    limits.maxTokensSource = "--max-tokens of the import";
  }
  return limits;
}
