//===- ds/routing_profile.h - expert selection counts -----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// A routing profile: how often each expert of each router was selected over
// some runs. `ds-interp --profile-routing` (every moe.router op) and `ds-run
// --profile-routing` (every router launch of the cpu backend) record it;
// the pass `moe-prune-experts` reads it. Layer `i` is the i-th router of a run
// in program order, which is the same for a moe module and the module
// compiled from it. The one definition of the file format, as JSON:
//
//   {"format": "ds-routing-profile", "version": 1, "model": "mixtral",
//    "runs": 1,
//    "layers": [{"index": 0, "experts": 8, "top_k": 2, "tokens": 20,
//                "counts": [5, 7, 4, 6, 3, 8, 2, 5]}, ...]}
//
// `tokens` is the number of routed tokens over all runs, `counts[e]` the
// number of (token, slot) pairs that selected expert `e` (they sum to
// tokens · top_k).
//
//===----------------------------------------------------------------------===//

#ifndef DS_ROUTING_PROFILE_H
#define DS_ROUTING_PROFILE_H

#include "ds/cpu/tensor.h"
#include "ds/status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ds {

inline constexpr std::string_view kRoutingProfileFormat = "ds-routing-profile";
inline constexpr int64_t kRoutingProfileVersion = 1;

/// The selections of one router.
struct RoutingLayer {
  int64_t index = 0;           ///< the router's position in program order
  int64_t experts = 0;         ///< E
  int64_t topK = 0;            ///< the selections per token
  int64_t tokens = 0;          ///< routed tokens over all runs
  std::vector<int64_t> counts; ///< [E]: selections of each expert
};

struct RoutingProfile {
  std::string model;
  int64_t runs = 0;
  std::vector<RoutingLayer> layers;

  /// Starts counting one more run: the next record() is layer 0.
  void beginRun();
  /// Adds the selections `indices` ([T, K] integers) of the next router of
  /// the current run, which has `experts` experts. Fails when the router
  /// disagrees with the one recorded at that position by an earlier run
  /// (another E or K) or an index is outside [0, E).
  Status record(int64_t experts, const cpu::Tensor &indices);

  /// The profile as JSON text (the format above).
  std::string toJson() const;
  /// Writes toJson() to `path`.
  Status write(const std::string &path) const;

  /// Parses `text`; messages start with `source` and name the field.
  static Expected<RoutingProfile> parse(std::string_view text,
                                        std::string_view source);
  /// Reads and parses the file at `path`.
  static Expected<RoutingProfile> read(const std::string &path);

private:
  size_t Next = 0; ///< the position of the next record() in this run
};

} // namespace ds

#endif // DS_ROUTING_PROFILE_H
