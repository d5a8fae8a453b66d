//===- TuningTable.cpp - kernel tile configs per shape bucket -------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/TuningTable.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace ds::tuning;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {
/// Errors name the file and the JSON path of the field.
struct Reader {
  llvm::StringRef source;

  llvm::Error fail(const llvm::Twine &path, const llvm::Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   source + ": " + path + ": " + message);
  }

  llvm::Expected<int64_t> integer(const json::Object &o, llvm::StringRef key,
                                  const llvm::Twine &path, int64_t lo,
                                  int64_t hi) const {
    const json::Value *v = o.get(key);
    if (!v)
      return fail(path + "." + key, "missing");
    std::optional<int64_t> i = v->getAsInteger();
    if (!i)
      return fail(path + "." + key, "expected an integer");
    if (*i < lo || *i > hi)
      return fail(path + "." + key,
                  llvm::formatv("{0} is outside [{1}, {2}]", *i, lo, hi));
    return *i;
  }

  llvm::Expected<std::string> string(const json::Object &o, llvm::StringRef key,
                                     const llvm::Twine &path) const {
    const json::Value *v = o.get(key);
    if (!v)
      return fail(path + "." + key, "missing");
    std::optional<llvm::StringRef> s = v->getAsString();
    if (!s)
      return fail(path + "." + key, "expected a string");
    return s->str();
  }

  template <unsigned N>
  llvm::Error list(const json::Object &o, llvm::StringRef key,
                   const llvm::Twine &path, size_t minSize, size_t maxSize,
                   int64_t hi, llvm::SmallVector<int64_t, N> &out) const {
    const json::Value *v = o.get(key);
    if (!v)
      return fail(path + "." + key, "missing");
    const json::Array *a = v->getAsArray();
    if (!a || a->size() < minSize || a->size() > maxSize)
      return fail(path + "." + key,
                  llvm::formatv("expected a list of {0} to {1} integers",
                                minSize, maxSize));
    for (const json::Value &x : *a) {
      std::optional<int64_t> i = x.getAsInteger();
      if (!i || *i < 1 || *i > hi)
        return fail(path + "." + key,
                    llvm::formatv("entries must be integers in [1, {0}]", hi));
      out.push_back(*i);
    }
    return llvm::Error::success();
  }

  llvm::Expected<Config> config(const json::Value &v,
                                const llvm::Twine &path) const {
    const json::Object *o = v.getAsObject();
    if (!o)
      return fail(path, "expected an object");
    Config c;
    auto maxTokens = integer(*o, "max_tokens", path, 0, int64_t(1) << 40);
    if (!maxTokens)
      return maxTokens.takeError();
    c.maxTokens = *maxTokens;
    auto variant = string(*o, "variant", path);
    if (!variant)
      return variant.takeError();
    c.variant = *variant;
    if (llvm::Error e = list(*o, "tile", path, 1, 3, 1 << 16, c.tile))
      return std::move(e);
    auto stages = integer(*o, "stages", path, 1, 32);
    if (!stages)
      return stages.takeError();
    c.stages = *stages;
    auto warps = integer(*o, "warps", path, 1, 32);
    if (!warps)
      return warps.takeError();
    c.warps = *warps;
    if (llvm::Error e = list(*o, "cluster", path, 1, 3, 16, c.cluster))
      return std::move(e);
    int64_t ctas = 1;
    for (int64_t x : c.cluster)
      ctas *= x;
    if (ctas > 16)
      return fail(path + ".cluster", "more than 16 CTAs per cluster");
    return c;
  }
};
} // namespace

llvm::Expected<TuningTable> TuningTable::parse(llvm::StringRef text,
                                               llvm::StringRef source) {
  Reader r{source};
  llvm::Expected<json::Value> root = json::parse(text);
  if (!root)
    return r.fail("$", llvm::toString(root.takeError()));
  const json::Object *top = root->getAsObject();
  if (!top)
    return r.fail("$", "expected an object");
  auto format = r.string(*top, "format", "$");
  if (!format)
    return format.takeError();
  if (*format != "ds-tuning-table")
    return r.fail("$.format",
                  "expected \"ds-tuning-table\", got \"" + *format + "\"");
  auto version = r.integer(*top, "version", "$", 1, 1 << 30);
  if (!version)
    return version.takeError();
  if (*version != 1)
    return r.fail("$.version",
                  llvm::formatv("version {0} is not supported (this ds reads "
                                "version 1)",
                                *version));
  TuningTable table;
  auto target = r.string(*top, "target", "$");
  if (!target)
    return target.takeError();
  table.Target = *target;
  const json::Value *entries = top->get("entries");
  if (!entries || !entries->getAsArray())
    return r.fail("$.entries", "expected a list");
  size_t index = 0;
  for (const json::Value &v : *entries->getAsArray()) {
    std::string path = llvm::formatv("$.entries[{0}]", index++).str();
    const json::Object *o = v.getAsObject();
    if (!o)
      return r.fail(path, "expected an object");
    Entry e;
    auto op = r.string(*o, "op", path);
    if (!op)
      return op.takeError();
    e.op = *op;
    auto dtype = r.string(*o, "dtype", path);
    if (!dtype)
      return dtype.takeError();
    e.dtype = *dtype;
    e.quant = "none";
    if (o->get("quant")) {
      auto quant = r.string(*o, "quant", path);
      if (!quant)
        return quant.takeError();
      e.quant = *quant;
    }
    for (const auto &kv : *o) {
      llvm::StringRef key = kv.first;
      if (key == "op" || key == "dtype" || key == "quant" || key == "buckets")
        continue;
      auto dim = r.integer(*o, key, path, 0, int64_t(1) << 40);
      if (!dim)
        return dim.takeError();
      e.dims[key.str()] = *dim;
    }
    const json::Value *buckets = o->get("buckets");
    if (!buckets || !buckets->getAsArray() || buckets->getAsArray()->empty())
      return r.fail(path + ".buckets", "expected a non-empty list");
    size_t b = 0;
    for (const json::Value &bv : *buckets->getAsArray()) {
      auto c = r.config(bv, path + llvm::formatv(".buckets[{0}]", b++).str());
      if (!c)
        return c.takeError();
      e.buckets.push_back(std::move(*c));
    }
    for (size_t i = 0; i < e.buckets.size(); ++i) {
      bool last = i + 1 == e.buckets.size();
      int64_t m = e.buckets[i].maxTokens;
      std::string bpath =
          path + llvm::formatv(".buckets[{0}].max_tokens", i).str();
      if (last && m != 0)
        return r.fail(bpath, "the last bucket must be unbounded (0)");
      if (!last && m == 0)
        return r.fail(bpath, "only the last bucket may be unbounded (0)");
      if (!last && i > 0 && m <= e.buckets[i - 1].maxTokens)
        return r.fail(bpath, "buckets must be in increasing order");
    }
    table.Entries.push_back(std::move(e));
  }
  return table;
}

const std::vector<Config> *TuningTable::lookup(const Problem &problem) const {
  for (const Entry &e : Entries) {
    if (e.op != problem.op || e.dtype != problem.dtype ||
        e.quant != problem.quant)
      continue;
    bool match = llvm::all_of(e.dims, [&](const auto &kv) {
      auto it = problem.dims.find(kv.first);
      return it != problem.dims.end() && it->second == kv.second;
    });
    if (match)
      return &e.buckets;
  }
  return nullptr;
}

std::string TuningTable::write(
    llvm::StringRef target,
    const std::vector<std::pair<Problem, std::vector<Config>>> &entries) {
  json::Array list;
  for (const auto &[problem, configs] : entries) {
    json::Object entry{
        {"op", problem.op}, {"dtype", problem.dtype}, {"quant", problem.quant}};
    for (const auto &[name, value] : problem.dims)
      entry[name] = value;
    json::Array buckets;
    for (const Config &c : configs)
      buckets.push_back(json::Object{{"max_tokens", c.maxTokens},
                                     {"variant", c.variant},
                                     {"tile", json::Array(c.tile)},
                                     {"stages", c.stages},
                                     {"warps", c.warps},
                                     {"cluster", json::Array(c.cluster)}});
    entry["buckets"] = std::move(buckets);
    list.push_back(std::move(entry));
  }
  json::Object top{{"format", "ds-tuning-table"},
                   {"version", 1},
                   {"target", target},
                   {"entries", std::move(list)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", json::Value(std::move(top))) << "\n";
  return text;
}

//===----------------------------------------------------------------------===//
// Heuristics
//===----------------------------------------------------------------------===//

namespace {

/// The static shared memory of a CTA in this kernel set (no dynamic shared
/// memory until the Hopper kernels).
constexpr int64_t kStaticSharedBytes = 48 * 1024;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t dim(const Problem &p, const char *name, int64_t fallback) {
  auto it = p.dims.find(name);
  return it == p.dims.end() ? fallback : it->second;
}

int64_t elementBytes(llvm::StringRef dtype) {
  if (dtype == "f32")
    return 4;
  if (dtype == "bf16" || dtype == "f16")
    return 2;
  return 1;
}

/// The token count a bucket is tuned for: its upper bound, 16384 for the
/// unbounded one.
int64_t representative(int64_t maxTokens) {
  return maxTokens == 0 ? 16384 : maxTokens;
}

/// A GEMM tile of codegen/cuda/gemm.cuh for `rows` rows of an [N, K]
/// weight: `mma_sync` (tensor cores) for 16-bit activations, `fma` for f32.
/// 16-row tiles while the rows fit one warp tile (decode), 64 rows to 64,
/// else 128; N tiles of 128 (64 for narrow weights); BK = 32; as many
/// stages as 48 KiB of static shared memory holds, at most 4.
Config gemmConfig(int64_t rows, int64_t n, int64_t bytes, int64_t maxTokens,
                  bool fp32, bool quantized) {
  Config c;
  c.maxTokens = maxTokens;
  c.variant = fp32 ? "fma" : "mma_sync";
  int64_t bm = rows <= 16 ? 16 : rows <= 64 ? 64 : 128;
  // A dequantizing 128 x 128 tile stages its raw weights in registers on
  // top of the accumulators and spills (NVRTC 13): 64 columns then.
  int64_t bn = fp32 || n <= 64 || (quantized && bm == 128) ? 64 : 128;
  if (fp32 && bm == 128)
    bm = 64;
  int64_t bk = 32;
  c.tile = {bm, bn, bk};
  int64_t stageBytes = (bm + bn) * bk * bytes;
  c.stages = std::clamp<int64_t>(kStaticSharedBytes / stageBytes, 2, 4);
  c.warps = bm == 128 ? 8 : 4; // kWarpsM = 1 (16 rows) or 2
  c.cluster = {1, 1};
  return c;
}

Config rowwiseConfig(int64_t hidden, int64_t maxTokens,
                     llvm::StringRef variant) {
  Config c;
  c.maxTokens = maxTokens;
  c.variant = variant.str();
  // One CTA per row: 8 elements per thread and pass, 1 to 32 warps.
  int64_t warps = std::clamp<int64_t>(ceilDiv(hidden, 8 * 32), 1, 32);
  int64_t rows = hidden <= 256 ? 4 : 1;
  c.tile = {rows};
  c.stages = 1;
  c.warps = warps;
  c.cluster = {1};
  return c;
}
} // namespace

std::vector<Config> ds::tuning::heuristicConfigs(const Problem &p,
                                                 llvm::StringRef target) {
  std::vector<Config> out;
  int64_t bytes = elementBytes(p.dtype);
  for (int64_t maxTokens : kBuckets) {
    int64_t tokens = representative(maxTokens);
    if (p.op == "gemm") {
      out.push_back(gemmConfig(tokens * p.rowsPerToken, dim(p, "n", 4096),
                               bytes, maxTokens, p.dtype == "f32",
                               p.quant != "none"));
    } else if (p.op == "grouped_gemm") {
      int64_t experts = std::max<int64_t>(dim(p, "experts", 1), 1);
      int64_t rowsPerExpert =
          std::max<int64_t>(tokens * p.rowsPerToken / experts, 1);
      // Every expert's tile grid is launched together.
      out.push_back(gemmConfig(rowsPerExpert, dim(p, "n", 4096), bytes,
                               maxTokens, p.dtype == "f32", p.quant != "none"));
    } else if (p.op == "attention") {
      // codegen/cuda/attention.cuh: tensor cores for bf16/f16 head dims of
      // whole mma tiles, 16 query rows per warp; FFMA otherwise. KV tiles
      // as deep as two stages of K and V fit in 48 KiB of static shared
      // memory.
      int64_t dq = dim(p, "head_dim", 128), dv = dim(p, "v_head_dim", dq);
      Config c;
      c.maxTokens = maxTokens;
      bool mma = p.dtype != "f32" && dq % 16 == 0 && dv % 8 == 0;
      c.stages = 2;
      c.cluster = {1};
      if (mma) {
        c.variant = "mma_sync_fa";
        // One warp (16 queries) per CTA would suit decode, but the 128/128
        // head dims spill at one warp's launch bounds: 4 warps everywhere.
        c.warps = 4;
        int64_t bkv = 64;
        while (bkv > 16 && 2 * bkv * (dq + dv) * bytes > 48 * 1024)
          bkv /= 2;
        c.tile = {16 * c.warps, bkv};
      } else {
        c.variant = "fma_fa";
        c.warps = 4;
        int64_t bkv = 32;
        while (bkv > 8 &&
               4 * (16 * dq + 2 * bkv * (dq | 1) + 2 * bkv * dv + 16 * bkv) >
                   48 * 1024)
          bkv /= 2;
        c.tile = {16, bkv};
      }
      out.push_back(std::move(c));
    } else if (p.op == "router" || p.op == "dispatch" || p.op == "combine") {
      Config c = rowwiseConfig(dim(p, "hidden", dim(p, "experts", 256)),
                               maxTokens, p.op);
      out.push_back(std::move(c));
    } else {
      out.push_back(
          rowwiseConfig(dim(p, "hidden", 1024), maxTokens, "rowwise"));
    }
  }
  return out;
}
