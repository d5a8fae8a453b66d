//===- routing_profile_fuzzer.cpp - fuzz the routing profile reader -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of a routing profile (`ds-interp --profile-routing`, read
// by `moe-prune-experts=profile=FILE`). ds::RoutingProfile::parse either
// fails with a message that starts with the source name, or gives a profile
// whose every layer has one count per expert; that profile written back
// (toJson) parses again to the same profile, and writing that one gives the
// same text.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "ds/routing_profile.h"

#include <string_view>

using namespace ds;

namespace {

bool sameLayers(const RoutingProfile &a, const RoutingProfile &b) {
  if (a.runs != b.runs || a.layers.size() != b.layers.size())
    return false;
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const RoutingLayer &x = a.layers[i], &y = b.layers[i];
    if (x.index != y.index || x.experts != y.experts || x.topK != y.topK ||
        x.tokens != y.tokens || x.counts != y.counts)
      return false;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  Expected<RoutingProfile> profile = RoutingProfile::parse(text, "fuzz.json");
  if (!profile) {
    fuzz::check(profile.message().rfind("fuzz.json", 0) == 0,
                "a profile error starts with the source name");
    return 0;
  }
  for (const RoutingLayer &layer : profile->layers)
    fuzz::check(layer.experts >= 1 &&
                    static_cast<int64_t>(layer.counts.size()) == layer.experts,
                "a parsed layer has one count per expert");
  std::string written = profile->toJson();
  Expected<RoutingProfile> again = RoutingProfile::parse(written, "written");
  fuzz::check(static_cast<bool>(again), "a written profile parses");
  fuzz::check(sameLayers(*profile, *again),
              "a written profile reads back the same counts");
  fuzz::check(again->toJson() == written,
              "writing the profile read back gives the same text");
  return 0;
}
