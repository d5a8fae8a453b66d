//===- routing_profile.cpp - expert selection counts ----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Read through the non-throwing JSON parser of the safetensors reader
// (safetensors_common.h).
//
//===----------------------------------------------------------------------===//

#include "ds/routing_profile.h"

#include "ds/limits.h"
#include "safetensors_common.h"

#include <cstdio>

namespace ds {

using safetensors_detail::Json;

void RoutingProfile::beginRun() {
  ++runs;
  Next = 0;
}

Status RoutingProfile::record(int64_t experts, const cpu::Tensor &indices) {
  std::string what = cat("router ", Next);
  if (indices.rank() != 2 || indices.isFloat())
    return Status::error(cat(what, ": the indices are ", indices.typeString(),
                             ", expected integers [T, K]"));
  int64_t tokens = indices.dim(0), topK = indices.dim(1);
  if (Next == layers.size()) {
    RoutingLayer layer;
    layer.index = static_cast<int64_t>(Next);
    layer.experts = experts;
    layer.topK = topK;
    layer.counts.assign(static_cast<size_t>(experts), 0);
    layers.push_back(std::move(layer));
  }
  RoutingLayer &layer = layers[Next];
  if (layer.experts != experts || layer.topK != topK)
    return Status::error(cat(what, ": ", experts, " experts, top-", topK,
                             "; an earlier run recorded ", layer.experts,
                             " experts, top-", layer.topK));
  for (int64_t e : indices.i()) {
    if (e < 0 || e >= experts)
      return Status::error(
          cat(what, ": selected expert ", e, " is outside [0, ", experts, ")"));
    ++layer.counts[static_cast<size_t>(e)];
  }
  layer.tokens += tokens;
  ++Next;
  return Status::success();
}

std::string RoutingProfile::toJson() const {
  nlohmann::ordered_json j;
  j["format"] = kRoutingProfileFormat;
  j["version"] = kRoutingProfileVersion;
  j["model"] = model;
  j["runs"] = runs;
  nlohmann::ordered_json ls = nlohmann::ordered_json::array();
  for (const RoutingLayer &l : layers)
    ls.push_back({{"index", l.index},
                  {"experts", l.experts},
                  {"top_k", l.topK},
                  {"tokens", l.tokens},
                  {"counts", l.counts}});
  j["layers"] = ls;
  return j.dump(2, ' ', false,
                nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

Status RoutingProfile::write(const std::string &path) const {
  std::string text = toJson();
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return Status::error(
        cat(path, ": cannot write: ", safetensors_detail::errnoText(errno)));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok)
    return Status::error(
        cat(path, ": cannot write: ", safetensors_detail::errnoText(errno)));
  return Status::success();
}

namespace {

/// Reads the non-negative integer `object[name]`; `at` names the object.
Status readCount(const Json &object, const char *name, const std::string &at,
                 int64_t &out) {
  auto it = object.find(name);
  if (it == object.end())
    return Status::error(cat(at, ": missing \"", name, "\""));
  std::optional<uint64_t> v = safetensors_detail::asUnsigned(*it);
  if (!v || *v > static_cast<uint64_t>(kMaxDimSize) * kMaxDimSize)
    return Status::error(cat(at, ".", name,
                             ": expected a non-negative integer, ", "got ",
                             safetensors_detail::describe(*it)));
  out = static_cast<int64_t>(*v);
  return Status::success();
}

Status parseLayer(const Json &l, size_t i, RoutingLayer &layer) {
  std::string at = cat("layers[", i, "]");
  if (!l.is_object())
    return Status::error(
        cat(at, ": expected an object, got ", safetensors_detail::describe(l)));
  for (auto [name, field] :
       {std::pair<const char *, int64_t *>{"index", &layer.index},
        {"experts", &layer.experts},
        {"top_k", &layer.topK},
        {"tokens", &layer.tokens}})
    if (Status s = readCount(l, name, at, *field); !s.ok())
      return s;
  if (layer.index != static_cast<int64_t>(i))
    return Status::error(cat(at, ".index: ", layer.index, ", expected ", i,
                             " (layers are in program order)"));
  if (layer.experts < 1 || layer.experts > kMaxDimSize)
    return Status::error(cat(at, ".experts: ", layer.experts,
                             " is outside [1, ", kMaxDimSize, "]"));
  auto counts = l.find("counts");
  if (counts == l.end() || !counts->is_array())
    return Status::error(
        cat(at, ".counts: expected an array of ", layer.experts, " counts"));
  if (static_cast<int64_t>(counts->size()) != layer.experts)
    return Status::error(cat(at, ".counts: ", counts->size(),
                             " entries, expected one per expert (",
                             layer.experts, ")"));
  for (size_t e = 0; e < counts->size(); ++e) {
    std::optional<uint64_t> c = safetensors_detail::asUnsigned((*counts)[e]);
    if (!c || *c > static_cast<uint64_t>(INT64_MAX))
      return Status::error(cat(at, ".counts[", e,
                               "]: expected a non-negative integer, got ",
                               safetensors_detail::describe((*counts)[e])));
    layer.counts.push_back(static_cast<int64_t>(*c));
  }
  return Status::success();
}

} // namespace

Expected<RoutingProfile> RoutingProfile::parse(std::string_view text,
                                               std::string_view source) {
  auto fail = [&](const Status &s) { return s.withContext(source); };
  const auto *begin = reinterpret_cast<const uint8_t *>(text.data());
  Expected<Json> json =
      safetensors_detail::parseJson(begin, begin + text.size());
  if (!json)
    return fail(json.status());
  const Json &j = *json;
  if (!j.is_object())
    return fail(Status::error("expected a JSON object, got " +
                              safetensors_detail::describe(j)));
  auto format = j.find("format");
  if (format == j.end() || !format->is_string() ||
      format->get_ref<const std::string &>() != kRoutingProfileFormat)
    return fail(Status::error(cat("format: expected \"", kRoutingProfileFormat,
                                  "\" (not a routing profile)")));
  RoutingProfile p;
  int64_t version = 0;
  if (Status s = readCount(j, "version", "the profile", version); !s.ok())
    return fail(s);
  if (version != kRoutingProfileVersion)
    return fail(
        Status::error(cat("version ", version, ": this ds reads version ",
                          kRoutingProfileVersion)));
  if (Status s = readCount(j, "runs", "the profile", p.runs); !s.ok())
    return fail(s);
  if (auto model = j.find("model"); model != j.end() && model->is_string())
    p.model = model->get_ref<const std::string &>();
  auto layers = j.find("layers");
  if (layers == j.end() || !layers->is_array())
    return fail(Status::error("layers: expected an array"));
  for (size_t i = 0; i < layers->size(); ++i) {
    RoutingLayer layer;
    if (Status s = parseLayer((*layers)[i], i, layer); !s.ok())
      return fail(s);
    p.layers.push_back(std::move(layer));
  }
  return p;
}

Expected<RoutingProfile> RoutingProfile::read(const std::string &path) {
  Expected<std::vector<uint8_t>> bytes =
      safetensors_detail::readFile(path, uint64_t(1) << 30);
  if (!bytes)
    return bytes.status();
  return parse(std::string_view(reinterpret_cast<const char *>(bytes->data()),
                                bytes->size()),
               path);
}

} // namespace ds
