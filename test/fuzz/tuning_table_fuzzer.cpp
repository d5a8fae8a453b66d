//===- tuning_table_fuzzer.cpp - fuzz the kernel tuning table reader ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of a tuning table (`kernel-select-configs=tuning-table=
// FILE`, docs/compile-path.md §2). ds::tuning::TuningTable::parse either
// fails with a message that starts with the source name, or gives a table
// whose lookups return well-formed bucket lists: non-empty, increasing,
// the last one unbounded. Each list found is written back as a one-entry
// table (TuningTable::write, as `emit-table` writes it), which parses and
// looks up to the same configs.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "passes/TuningTable.h"

#include "llvm/Support/Error.h"

using namespace ds::tuning;

namespace {

/// Problems the seeds' entries are for, and their neighbours.
std::vector<Problem> problems() {
  std::vector<Problem> list;
  for (const char *op : {"gemm", "grouped_gemm", "attention", "norm"})
    for (const char *dtype : {"bf16", "f32", "fp8e4m3"})
      for (const char *quant : {"none", "fp8e4m3"})
        for (int64_t n : {64, 128, 4096}) {
          Problem p;
          p.op = op;
          p.dtype = dtype;
          p.quant = quant;
          p.dims = {{"n", n},     {"k", 64},        {"experts", 8},
                    {"heads", 4}, {"head_dim", 16}, {"hidden", 64}};
          list.push_back(std::move(p));
        }
  return list;
}

bool sameConfigs(const std::vector<Config> &a, const std::vector<Config> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].maxTokens != b[i].maxTokens || a[i].variant != b[i].variant ||
        a[i].tile != b[i].tile || a[i].stages != b[i].stages ||
        a[i].warps != b[i].warps || a[i].cluster != b[i].cluster)
      return false;
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<TuningTable> table = TuningTable::parse(text, "fuzz.json");
  if (!table) {
    std::string message = llvm::toString(table.takeError());
    ds::fuzz::check(llvm::StringRef(message).starts_with("fuzz.json"),
                    "a table error starts with the source name");
    return 0;
  }
  static const std::vector<Problem> Problems = problems();
  for (const Problem &problem : Problems) {
    const std::vector<Config> *buckets = table->lookup(problem);
    if (!buckets)
      continue;
    ds::fuzz::check(!buckets->empty() && buckets->back().maxTokens == 0,
                    "a bucket list ends unbounded");
    for (size_t i = 0; i + 1 < buckets->size(); ++i)
      ds::fuzz::check(
          (*buckets)[i].maxTokens > 0 &&
              (i == 0 || (*buckets)[i].maxTokens > (*buckets)[i - 1].maxTokens),
          "bounded buckets increase");
    std::string written =
        TuningTable::write(table->target(), {{problem, *buckets}});
    llvm::Expected<TuningTable> again = TuningTable::parse(written, "written");
    ds::fuzz::check(static_cast<bool>(again), "a written table parses");
    const std::vector<Config> *found = again->lookup(problem);
    ds::fuzz::check(found && sameConfigs(*found, *buckets),
                    "a written table looks up the same configs");
  }
  return 0;
}
