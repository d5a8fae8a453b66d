//===- ArenaPlan.h - liveness-based arena packing ---------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The placement algorithm of kernel-plan-buffers, free of MLIR so it can be
// reasoned about (and tested) on its own. Every size and offset is a linear
// function a·T + b of the token count T (docs/compile-path.md §3); two slots
// whose live ranges overlap are disjoint for every T >= 1 (one lies below the
// other at T = 1 and grows no faster), so one plan serves every token count
// and the packing is optimized for `maxTokens`.
//
//===----------------------------------------------------------------------===//

#ifndef DS_PASSES_ARENAPLAN_H
#define DS_PASSES_ARENAPLAN_H

#include <cstdint>
#include <optional>
#include <vector>

namespace ds::plan {

/// a·T + b bytes.
struct Linear {
  int64_t perToken = 0;
  int64_t fixed = 0;

  /// The value at T = `tokens` (callers bound the product; see place()).
  int64_t at(int64_t tokens) const { return perToken * tokens + fixed; }
  Linear operator+(const Linear &o) const {
    return {perToken + o.perToken, fixed + o.fixed};
  }
  bool operator==(const Linear &o) const {
    return perToken == o.perToken && fixed == o.fixed;
  }
};

/// One slot to place: its size and the program points [first, last] during
/// which it is live.
struct Slot {
  Linear size;
  int64_t first = 0;
  int64_t last = 0;
};

struct Placement {
  std::vector<Linear> offsets; ///< one per slot, in input order
  int64_t peakBytes = 0;       ///< max over slots of offset + size at maxTokens
};

/// The granularity of per-token and fixed sizes and offsets: every offset is
/// a multiple of kPerTokenAlignment·T + kFixedAlignment, so it is 16-byte
/// aligned for every T and 256-byte aligned when T is a multiple of 16.
inline constexpr int64_t kPerTokenAlignment = 16;
inline constexpr int64_t kFixedAlignment = 256;

/// `size` rounded up to the granularity above.
Linear alignSize(Linear size);

/// Places `slots` (sizes already aligned): greedily by decreasing size at
/// maxTokens, each at the lowest candidate offset at maxTokens (0 or the end
/// of a live-overlapping slot already placed) that is clear of every
/// live-overlapping placed slot for every T >= 1.
/// Returns nullopt when a value at maxTokens would exceed 2^62 bytes.
std::optional<Placement> place(const std::vector<Slot> &slots,
                               int64_t maxTokens);

} // namespace ds::plan

#endif // DS_PASSES_ARENAPLAN_H
