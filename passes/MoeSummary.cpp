//===- MoeSummary.cpp - print a summary of a moe module -------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoePassRecord.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace ds {
#define GEN_PASS_DEF_MOESUMMARY
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

/// Formats `n` with the largest unit of `units` (successive powers of
/// `base`) that keeps the value >= 1: two decimals, or the plain integer in
/// the first unit.
std::string formatScaled(uint64_t n, double base,
                         ArrayRef<const char *> units) {
  double v = static_cast<double>(n);
  size_t u = 0;
  while (v >= base && u + 1 < units.size()) {
    v /= base;
    ++u;
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  if (u == 0)
    os << n << units[0];
  else
    os << llvm::format("%.2f", v) << units[u];
  return out;
}

/// `1234567` -> `1.23 M`.
std::string formatCount(uint64_t n) {
  return formatScaled(n, 1000.0, {"", " K", " M", " G", " T"});
}

/// `3221225472` -> `3.00 GiB`.
std::string formatBytes(uint64_t n) {
  return formatScaled(n, 1024.0, {" B", " KiB", " MiB", " GiB", " TiB"});
}

/// `1 tensor`, `2 tensors`.
std::string plural(uint64_t n, StringRef noun) {
  return std::to_string(n) + " " + noun.str() + (n == 1 ? "" : "s");
}

std::string typeToString(Type type) {
  std::string out;
  llvm::raw_string_ostream os(out);
  type.print(os);
  return out;
}

std::string describeAttention(AttentionOp op) {
  auto q = cast<RankedTensorType>(op.getQuery().getType());
  auto k = cast<RankedTensorType>(op.getKey().getType());
  auto v = cast<RankedTensorType>(op.getValue().getType());
  std::string out;
  llvm::raw_string_ostream os(out);
  os << q.getDimSize(1) << " heads, " << k.getDimSize(1) << " kv heads, qk "
     << q.getDimSize(2);
  if (Value shared = op.getSharedKey())
    os << " (" << k.getDimSize(2) << " + shared "
       << cast<RankedTensorType>(shared.getType()).getDimSize(1) << ")";
  os << ", v " << v.getDimSize(2) << ", scale "
     << llvm::format("%.4g", op.getScale().convertToDouble()) << ", window "
     << ds::describeWindow(toWindow(op.getWindow()));
  if (op.getBlockSparse())
    os << ", block sparse";
  return out;
}

std::string describeRouter(RouterOp op) {
  RouterAttr config = op.getConfig();
  int64_t experts =
      cast<RankedTensorType>(op.getGate().getType()).getDimSize(0);
  std::string out;
  llvm::raw_string_ostream os(out);
  os << stringifyScoring(config.getScoring()) << " "
     << stringifySelection(config.getSelection()) << ", top-"
     << config.getTopK() << " of " << experts << " experts";
  if (config.getSelection() != Selection::greedy)
    os << " (" << config.getNGroup() << " groups, keep "
       << config.getTopkGroup() << ")";
  if (op.getCorrectionBias())
    os << ", correction bias";
  if (config.getNormTopkProb())
    os << ", normalized";
  double scale = config.getRoutedScalingFactor().convertToDouble();
  if (scale != 1.0)
    os << ", x" << llvm::format("%g", scale);
  return out;
}

std::string describeExperts(ExpertsOp op) {
  auto gate = cast<RankedTensorType>(op.getGate().getType());
  std::string out;
  llvm::raw_string_ostream os(out);
  os << gate.getDimSize(0) << " experts, hidden " << gate.getDimSize(2)
     << ", intermediate " << gate.getDimSize(1) << ", "
     << typeToString(gate.getElementType());
  if (QuantAttr quant = op.getQuantAttr())
    os << " (" << stringifyQuantScheme(quant.getScheme()) << " blocks "
       << quant.getBlock()[0] << "x" << quant.getBlock()[1] << ")";
  return out;
}

/// Counts strings, remembering the order in which they were first seen.
class OrderedCounter {
public:
  void add(std::string key) {
    auto [it, inserted] = index.try_emplace(key, entries.size());
    if (inserted)
      entries.emplace_back(std::move(key), 0);
    ++entries[it->second].second;
  }
  ArrayRef<std::pair<std::string, unsigned>> getEntries() const {
    return entries;
  }

private:
  llvm::StringMap<size_t> index;
  std::vector<std::pair<std::string, unsigned>> entries;
};

struct TensorStats {
  uint64_t tensors = 0;
  uint64_t elements = 0;
  uint64_t bytes = 0;

  void add(RankedTensorType type) {
    uint64_t n = type.getNumElements();
    ++tensors;
    elements += n;
    bytes += (n * type.getElementTypeBitWidth() + 7) / 8;
  }
};

struct MoeSummaryPass : ds::impl::MoeSummaryBase<MoeSummaryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    raw_ostream &os = llvm::outs();

    TensorStats all;
    llvm::MapVector<Type, TensorStats> byType;
    unsigned keyed = 0, stacked = 0;
    llvm::MapVector<StringRef, unsigned> opCounts;
    OrderedCounter attention, routers, experts;

    module.walk([&](Operation *op) {
      if (op == module.getOperation())
        return;
      ++opCounts[op->getName().getStringRef()];
      if (auto param = dyn_cast<ParameterOp>(op)) {
        RankedTensorType type = param.getTensorType();
        all.add(type);
        byType[type.getElementType()].add(type);
        keyed += param.getKey().has_value();
        stacked += param.isStacked();
      } else if (auto attn = dyn_cast<AttentionOp>(op)) {
        attention.add(describeAttention(attn));
      } else if (auto router = dyn_cast<RouterOp>(op)) {
        routers.add(describeRouter(router));
      } else if (auto exp = dyn_cast<ExpertsOp>(op)) {
        experts.add(describeExperts(exp));
      }
    });

    FailureOr<std::vector<ds::PassRecord>> passes =
        ds::moe::passRecords(module);
    if (failed(passes))
      return signalPassFailure();

    os << "moe summary\n";
    os << "  parameters: " << plural(all.tensors, "tensor") << " (" << keyed
       << " keyed, " << stacked << " stacked), " << formatCount(all.elements)
       << " elements, " << formatBytes(all.bytes) << "\n";
    for (auto &[type, stats] : byType)
      os << "    " << typeToString(type) << ": "
         << plural(stats.tensors, "tensor") << ", "
         << formatCount(stats.elements) << " elements, "
         << formatBytes(stats.bytes) << "\n";
    for (auto func : module.getOps<func::FuncOp>())
      os << "  function @" << func.getSymName() << ": "
         << typeToString(func.getFunctionType()) << "\n";
    auto printGroup = [&](StringRef label, const OrderedCounter &group) {
      for (const auto &[text, count] : group.getEntries())
        os << "  " << label << " x" << count << ": " << text << "\n";
    };
    printGroup("attention", attention);
    printGroup("router", routers);
    printGroup("experts", experts);

    auto counts = opCounts.takeVector();
    llvm::stable_sort(counts, [](const auto &a, const auto &b) {
      return a.second > b.second;
    });
    os << "  ops:";
    llvm::interleave(
        counts, os,
        [&](const auto &entry) {
          os << " " << entry.second << " " << entry.first;
        },
        ",");
    os << "\n";
    // The model passes that ran (moe.passes), in order.
    if (passes->empty())
      os << "  passes: none recorded\n";
    for (const ds::PassRecord &record : *passes)
      os << "  pass " << ds::describePassRecord(record) << "\n";
    os.flush();
    markAllAnalysesPreserved();
  }
};

} // namespace
