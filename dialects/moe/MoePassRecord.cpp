//===- MoePassRecord.cpp - what each pass did, kept in the module ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoePassRecord.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

void ds::moe::recordPass(Operation *op, StringRef pass,
                         ArrayRef<std::pair<StringRef, int64_t>> statistics) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return;
  Builder b(op->getContext());
  SmallVector<NamedAttribute> stats;
  for (auto [name, value] : statistics)
    stats.push_back(b.getNamedAttr(name, b.getI64IntegerAttr(value)));
  SmallVector<Attribute> entries;
  if (auto old = module->getAttrOfType<ArrayAttr>(kPassesAttrName))
    llvm::append_range(entries, old.getValue());
  entries.push_back(b.getDictionaryAttr(
      {b.getNamedAttr("name", b.getStringAttr(pass)),
       b.getNamedAttr("statistics", b.getDictionaryAttr(stats))}));
  module->setAttr(kPassesAttrName, b.getArrayAttr(entries));
}

FailureOr<std::vector<ds::PassRecord>> ds::moe::passRecords(ModuleOp module) {
  std::vector<ds::PassRecord> out;
  Attribute attr = module->getAttr(kPassesAttrName);
  if (!attr)
    return out;
  auto list = dyn_cast<ArrayAttr>(attr);
  if (!list)
    return emitError(module.getLoc())
           << kPassesAttrName << " must be an array of pass records, not "
           << attr;
  for (auto [i, entry] : llvm::enumerate(list)) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    auto stats =
        dict ? dict.getAs<DictionaryAttr>("statistics") : DictionaryAttr();
    if (!name || !stats)
      return emitError(module.getLoc())
             << kPassesAttrName << "[" << i
             << "]: a pass record is {name = \"<pass>\", statistics = "
                "{<name> = <integer>, ...}}, not "
             << entry;
    ds::PassRecord record;
    record.name = name.str();
    for (NamedAttribute stat : stats) {
      auto value = dyn_cast<IntegerAttr>(stat.getValue());
      if (!value)
        return emitError(module.getLoc())
               << kPassesAttrName << "[" << i << "] '" << name.getValue()
               << "': statistic '" << stat.getName().getValue()
               << "' is not an integer: " << stat.getValue();
      record.statistics.push_back(
          {stat.getName().str(), value.getValue().getSExtValue()});
    }
    out.push_back(std::move(record));
  }
  return out;
}
