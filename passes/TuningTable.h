//===- TuningTable.h - kernel tile configs per shape bucket -----*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The tuning table of kernel-select-configs (docs/compile-path.md §2): a
// JSON file mapping (op kind, dtype, quantization, static problem dims) to
// one tile config per shape bucket of the token count, and the heuristics
// that fill in every problem the table does not name.
//
//===----------------------------------------------------------------------===//

#ifndef DS_PASSES_TUNINGTABLE_H
#define DS_PASSES_TUNINGTABLE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ds::tuning {

/// The upper bounds of the token-count buckets; 0 is the last, unbounded.
inline constexpr int64_t kBuckets[] = {1, 16, 64, 256, 1024, 4096, 0};

/// One bucket's config; mirrors #kernel.config.
struct Config {
  int64_t maxTokens = 0;
  std::string variant;
  llvm::SmallVector<int64_t, 3> tile;
  int64_t stages = 1;
  int64_t warps = 4;
  llvm::SmallVector<int64_t, 2> cluster;
};

/// What a config is chosen for: the op kind ("gemm", "attention", ...), the
/// element type of its weight or main input ("bf16"), the quantization
/// scheme ("none", "fp8e4m3", "int8", "int4") and the static problem dims
/// ("n", "k", "experts", "heads", "kv_heads", "head_dim", "hidden", ...).
struct Problem {
  std::string op;
  std::string dtype;
  std::string quant = "none";
  std::map<std::string, int64_t> dims;
  /// Routed rows per token (top-k) for grouped GEMMs; 1 otherwise.
  int64_t rowsPerToken = 1;
};

struct Entry {
  std::string op;
  std::string dtype;
  std::string quant;
  std::map<std::string, int64_t> dims; ///< every dim named must match
  std::vector<Config> buckets;
};

class TuningTable {
public:
  /// Parses a table (format "ds-tuning-table", version 1). Errors name the
  /// source, the entry index and the field.
  static llvm::Expected<TuningTable> parse(llvm::StringRef json,
                                           llvm::StringRef source);

  /// A table for `target` with one entry per problem and its buckets, as
  /// parse() reads it (kernel-select-configs{emit-table=FILE}).
  static std::string
  write(llvm::StringRef target,
        const std::vector<std::pair<Problem, std::vector<Config>>> &entries);

  const std::string &target() const { return Target; }
  /// The buckets of the first entry matching `problem`, or null.
  const std::vector<Config> *lookup(const Problem &problem) const;

private:
  std::string Target;
  std::vector<Entry> Entries;
};

/// The heuristic configs for `problem` on `target`, one per kBuckets entry.
std::vector<Config> heuristicConfigs(const Problem &problem,
                                     llvm::StringRef target);

} // namespace ds::tuning

#endif // DS_PASSES_TUNINGTABLE_H
