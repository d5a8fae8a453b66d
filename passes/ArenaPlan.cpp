//===- ArenaPlan.cpp - liveness-based arena packing -----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/ArenaPlan.h"

#include <algorithm>
#include <numeric>

using namespace ds::plan;

static int64_t roundUp(int64_t value, int64_t to) {
  return (value + to - 1) / to * to;
}

Linear ds::plan::alignSize(Linear size) {
  return {roundUp(size.perToken, kPerTokenAlignment),
          roundUp(size.fixed, kFixedAlignment)};
}

namespace {
/// The ceiling on any byte count the planner computes, far above any real
/// arena; keeps a·T + b and the sums of such values from overflowing.
constexpr int64_t kMaxBytes = int64_t(1) << 62;

struct Placed {
  size_t slot;
  Linear offset;
  Linear end;
};

bool liveTogether(const Slot &a, const Slot &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// Whether [lo, end) lies entirely below or entirely above `other` for every
/// T >= 1: the distance is linear in T, so it must be non-negative at T = 1
/// and non-decreasing.
bool clear(Linear lo, Linear end, const Placed &other) {
  auto before = [](Linear a, Linear b) {
    return a.at(1) <= b.at(1) && a.perToken <= b.perToken;
  };
  return before(end, other.offset) || before(other.end, lo);
}
} // namespace

std::optional<Placement> ds::plan::place(const std::vector<Slot> &slots,
                                         int64_t maxTokens) {
  maxTokens = std::max<int64_t>(maxTokens, 1);
  for (const Slot &s : slots) {
    if (s.size.perToken < 0 || s.size.fixed < 0 ||
        s.size.perToken > kMaxBytes / maxTokens / 4 ||
        s.size.fixed > kMaxBytes / 4)
      return std::nullopt;
  }
  std::vector<size_t> order(slots.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    int64_t sa = slots[a].size.at(maxTokens), sb = slots[b].size.at(maxTokens);
    if (sa != sb)
      return sa > sb;
    return slots[a].first < slots[b].first;
  });

  Placement result;
  result.offsets.assign(slots.size(), Linear{});
  std::vector<Placed> placed;
  placed.reserve(slots.size());
  std::vector<const Placed *> overlapping;
  std::vector<Linear> candidates;
  for (size_t index : order) {
    const Slot &slot = slots[index];
    overlapping.clear();
    candidates.assign(1, Linear{});
    for (const Placed &p : placed) {
      if (!liveTogether(slot, slots[p.slot]))
        continue;
      overlapping.push_back(&p);
      candidates.push_back(p.end);
    }
    std::sort(candidates.begin(), candidates.end(),
              [&](const Linear &a, const Linear &b) {
                if (a.at(maxTokens) != b.at(maxTokens))
                  return a.at(maxTokens) < b.at(maxTokens);
                return a.at(1) < b.at(1);
              });
    Linear chosen;
    bool found = false;
    for (const Linear &c : candidates) {
      Linear end = c + slot.size;
      bool ok = std::all_of(overlapping.begin(), overlapping.end(),
                            [&](const Placed *p) { return clear(c, end, *p); });
      if (ok) {
        chosen = c;
        found = true;
        break;
      }
    }
    if (!found) {
      // Stack above everything live: the component-wise maximum of the
      // ends is at or above each of them for every T.
      for (const Placed *p : overlapping) {
        chosen.perToken = std::max(chosen.perToken, p->end.perToken);
        chosen.fixed = std::max(chosen.fixed, p->end.fixed);
      }
    }
    Linear end = chosen + slot.size;
    if (end.perToken > kMaxBytes / maxTokens / 2 || end.fixed > kMaxBytes / 2)
      return std::nullopt;
    placed.push_back({index, chosen, end});
    result.offsets[index] = chosen;
    result.peakBytes = std::max(result.peakBytes, end.at(maxTokens));
  }
  return result;
}
