//===- ds-run.cpp - run a compiled module ---------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//   ds-run model.dsb --weights <checkpoint> --inputs in.safetensors
//          -o out.safetensors [--device cpu|sim|cuda] [--entry forward]
//          [--timings] [--max-tokens N] [--max-memory 64G] [--sim-seed N]
//          [--sim-no-checks] [--sim-stats] [--profile-routing out.json]
//   ds-run --info [--json] [--tokens T] model.dsb
//   ds-run --extract-kernels DIR model.dsb
//
// A thin main over ds::Session (ds/session.h; the C API ds/runtime.h is the
// same session). Inputs bind by name as in ds-interp (ds/binding.h: a missing
// `positions` defaults to 0 .. T-1, a tensor that feeds no input is an
// error); the outputs are written by name. Every failure is one line,
// "ds-run: error: <message naming the file, tensor or field>", exit 1.
// Builds with the runtime alone (no MLIR, no LLVM).
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/tensor.h"
#include "ds/memory.h"
#include "ds/module.h"
#include "ds/safetensors.h"
#include "ds/session.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>

using namespace ds;

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "ds-run: error: %s\n", message.c_str());
  return 1;
}

const char *kUsage =
    "usage: ds-run model.dsb --weights <checkpoint> --inputs in.safetensors\n"
    "              -o out.safetensors [--device cpu|sim|cuda] [--entry NAME]\n"
    "              [--timings] [--max-tokens N] [--max-memory SIZE]\n"
    "              [--sim-seed N] [--sim-no-checks] [--sim-stats]\n"
    "              [--profile-routing FILE]\n"
    "       ds-run --info [--json] [--tokens T] model.dsb\n"
    "       ds-run --extract-kernels DIR model.dsb\n"
    "\n"
    "  --weights PATH     checkpoint: model.safetensors, a directory, or\n"
    "                     model.safetensors.index.json\n"
    "  --inputs FILE      safetensors file with one tensor per entry input\n"
    "  -o FILE            output safetensors file\n"
    "  --device NAME      cpu (default: the reference ops), sim (the module's\n"
    "                     kernels on the CPU, with hazard checks) or cuda\n"
    "  --entry NAME       entry point to run (default: forward)\n"
    "  --timings          per-op-kind launch times on stderr\n"
    "  --max-tokens N     the largest T of a run; sizes the arena (default:\n"
    "                     the plan's)\n"
    "  --max-memory SIZE  host memory limit (K, M, G, T suffixes; default:\n"
    "                     half the physical memory)\n"
    "  --sim-seed N       sim: the seed of the thread schedule (default 1)\n"
    "  --sim-no-checks    sim: no bounds, read-only and race checks (faster)\n"
    "  --sim-stats        sim: one JSON line per attention launch on stdout:\n"
    "                     its window, tile schedule, tile config, the KV\n"
    "                     tiles its CTAs visited and its time\n"
    "  --profile-routing FILE\n"
    "                     cpu: write how often each router launch selected\n"
    "                     each expert (JSON, ds/routing_profile.h)\n"
    "  --info             print a summary of the module\n"
    "  --json             with --info: as JSON\n"
    "  --tokens T         with --info: the T of the activation bytes written\n"
    "                     per forward (default: each entry's plan max_tokens)\n"
    "  --extract-kernels DIR\n"
    "                     write each kernel's source (.cu), cubin (.cubin)\n"
    "                     and PTX (.ptx) to DIR (for cuobjdump, nvcc, diffs)\n";

struct Options {
  std::string module, weights, inputs, output;
  std::string device = "cpu", entry = "forward";
  std::string maxTokens, maxMemory, simSeed, extractKernels, profileRouting;
  std::string tokens;
  bool simNoChecks = false, simStats = false;
  bool timings = false, info = false, json = false, help = false;
};

/// Parses argv; an error message, or empty.
std::string parseArgs(int argc, char **argv, Options &o) {
  std::map<std::string, std::string *> valued = {
      {"--weights", &o.weights},
      {"--inputs", &o.inputs},
      {"-o", &o.output},
      {"--device", &o.device},
      {"--entry", &o.entry},
      {"--max-tokens", &o.maxTokens},
      {"--max-memory", &o.maxMemory},
      {"--sim-seed", &o.simSeed},
      {"--extract-kernels", &o.extractKernels},
      {"--profile-routing", &o.profileRouting},
      {"--tokens", &o.tokens}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool inlineValue = false;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        inlineValue = true;
      }
    }
    if (arg == "--timings")
      o.timings = true;
    else if (arg == "--sim-no-checks")
      o.simNoChecks = true;
    else if (arg == "--sim-stats")
      o.simStats = true;
    else if (arg == "--info")
      o.info = true;
    else if (arg == "--json")
      o.json = true;
    else if (arg == "--help" || arg == "-h")
      o.help = true;
    else if (auto it = valued.find(arg); it != valued.end()) {
      if (!inlineValue) {
        if (i + 1 >= argc)
          return arg + " needs a value";
        value = argv[++i];
      }
      *it->second = value;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-")
      return "unknown option " + arg + " (see --help)";
    else if (o.module.empty())
      o.module = arg;
    else
      return "more than one module: " + o.module + " and " + arg;
  }
  if (o.help)
    return "";
  if (o.module.empty())
    return "no module given (see --help)";
  if (!o.tokens.empty() && !o.info)
    return "--tokens needs --info";
  if (o.info || !o.extractKernels.empty())
    return "";
  if (o.json)
    return "--json needs --info";
  if (o.weights.empty())
    return "--weights is required";
  if (o.inputs.empty())
    return "--inputs is required";
  if (o.output.empty())
    return "-o is required";
  return "";
}

std::string typeText(const Buffer &b) {
  return cat(dtypeName(b.dtype), cpu::shapeToString(symbolicShape(b.dims)));
}

nlohmann::ordered_json shapeJson(const Dims &dims) {
  nlohmann::ordered_json shape = nlohmann::ordered_json::array();
  for (const Dim &d : dims)
    shape.push_back(d.dynamic() ? nlohmann::ordered_json(nullptr)
                                : nlohmann::ordered_json(d.size));
  return shape;
}

/// The bytes of every parameter, by dtype.
struct ParamStats {
  int64_t count = 0, bytes = 0;
};

std::map<std::string, ParamStats> paramStats(const Module &m,
                                             ParamStats &total) {
  std::map<std::string, ParamStats> by;
  for (const ParameterSpec &p : m.parameters) {
    Dims dims;
    for (int64_t d : p.shape)
      dims.push_back(Dim::fixed(d));
    int64_t bytes = bufferBytes(p.dtype, dims, 1, p.name).value();
    ParamStats &s = by[dtypeName(p.dtype)];
    ++s.count;
    s.bytes += bytes;
    ++total.count;
    total.bytes += bytes;
  }
  return by;
}

std::map<std::string, int64_t> launchCounts(const EntryPoint &e) {
  std::map<std::string, int64_t> counts;
  for (const Launch &l : e.program)
    ++counts[opKindName(l.kind())];
  return counts;
}

/// The token counts over which an adaptive attention launch runs one
/// window, its variants' regimes (ds::variantWindow) merged where they
/// agree.
struct Regime {
  int64_t first = 1, last = 0; ///< T in [first, last]; last 0: unbounded
  Window window;
  std::vector<size_t> variants;
};
struct AdaptiveLaunch {
  size_t index = 0;
  const Launch *launch = nullptr;
  std::vector<Regime> regimes;
};

/// The adaptive attention launches of `e` (verified: every variant has one
/// regime).
std::vector<AdaptiveLaunch> adaptiveLaunches(const EntryPoint &e) {
  std::vector<AdaptiveLaunch> out;
  for (size_t i = 0; i < e.program.size(); ++i) {
    const Launch &l = e.program[i];
    const auto *a = std::get_if<AttentionAttrs>(&l.attrs);
    if (!a || a->window.kind != WindowKind::Adaptive)
      continue;
    AdaptiveLaunch al{i, &l, {}};
    const Dim &keys = e.buffers[l.operands[1]].dims[0];
    for (size_t v = 0; v < l.variants.size(); ++v) {
      Expected<Window> w = variantWindow(l, keys, v);
      if (!w)
        continue;
      VariantTokens t = variantTokens(l, v);
      if (!al.regimes.empty() &&
          describeWindow(al.regimes.back().window) == describeWindow(*w)) {
        al.regimes.back().last = t.last;
        al.regimes.back().variants.push_back(v);
      } else {
        al.regimes.push_back({t.first, t.last, *w, {v}});
      }
    }
    out.push_back(std::move(al));
  }
  return out;
}

/// "T <= 10", "T in [11, 64]", "T >= 65".
std::string tokenRange(const Regime &r) {
  if (r.last == 0)
    return cat("T >= ", r.first);
  if (r.first == 1)
    return cat("T <= ", r.last);
  return cat("T in [", r.first, ", ", r.last, "]");
}

/// The bytes the launches of `e` write at T: the sum of the sizes of their
/// result buffers (in-place results and views counted as written), except
/// that a copy writes its `sizes` box (the copies of a concat each fill a
/// part of one buffer).
Expected<int64_t> activationBytesWritten(const EntryPoint &e, int64_t tokens) {
  int64_t total = 0;
  for (size_t i = 0; i < e.program.size(); ++i)
    for (uint32_t r : e.program[i].results) {
      const Buffer &b = e.buffers[r];
      const auto *copy = std::get_if<CopyAttrs>(&e.program[i].attrs);
      Expected<int64_t> bytes =
          bufferBytes(b.dtype, copy ? copy->sizes : b.dims, tokens,
                      cat("launch #", i, " result"));
      if (!bytes)
        return bytes.status();
      total += *bytes;
    }
  return total;
}

/// The positive integer `text` of option `name`, or an error naming both.
Expected<int64_t> positiveInteger(const std::string &name,
                                  const std::string &text) {
  char *end = nullptr;
  errno = 0;
  long long n = std::strtoll(text.c_str(), &end, 10);
  if (errno || end == text.c_str() || *end || n < 1)
    return Status::error(name + ": '" + text + "' is not a positive integer");
  return static_cast<int64_t>(n);
}

int info(const Options &o, const Module &m) {
  std::optional<int64_t> tokens;
  if (!o.tokens.empty()) {
    Expected<int64_t> n = positiveInteger("--tokens", o.tokens);
    if (!n)
      return fail(n.message());
    tokens = *n;
  }
  // Per entry: the T and the bytes written at it.
  std::vector<std::pair<int64_t, int64_t>> written;
  for (const EntryPoint &e : m.entries) {
    int64_t t = tokens.value_or(std::max<int64_t>(e.plan.maxTokens, 1));
    Expected<int64_t> bytes = activationBytesWritten(e, t);
    if (!bytes)
      return fail(
          cat("--tokens ", t, ": entry @", e.name, ": ", bytes.message()));
    written.emplace_back(t, *bytes);
  }
  ParamStats total;
  std::map<std::string, ParamStats> byDtype = paramStats(m, total);
  if (o.json) {
    nlohmann::ordered_json j;
    j["module"] = o.module;
    j["format_version"] = m.formatVersion;
    j["producer"] = m.producer;
    j["target"] = m.target;
    j["model"] = m.model;
    nlohmann::ordered_json limits = nlohmann::ordered_json::object();
    if (m.limits.maxTokens)
      limits["max_tokens"] = *m.limits.maxTokens;
    if (m.limits.maxPositions)
      limits["max_positions"] = *m.limits.maxPositions;
    j["limits"] = limits;
    nlohmann::ordered_json passes = nlohmann::ordered_json::array();
    for (const PassRecord &p : m.passes) {
      nlohmann::ordered_json stats = nlohmann::ordered_json::object();
      for (const PassStatistic &st : p.statistics)
        stats[st.name] = st.value;
      passes.push_back({{"name", p.name}, {"statistics", stats}});
    }
    j["passes"] = passes;
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (size_t ei = 0; ei < m.entries.size(); ++ei) {
      const EntryPoint &e = m.entries[ei];
      nlohmann::ordered_json je;
      je["name"] = e.name;
      je["kind"] = "stateless";
      for (const char *side : {"inputs", "outputs"}) {
        nlohmann::ordered_json ports = nlohmann::ordered_json::array();
        for (const Port &p :
             std::strcmp(side, "inputs") == 0 ? e.inputs : e.outputs) {
          const Buffer &b = e.buffers[p.buffer];
          ports.push_back({{"name", p.name},
                           {"dtype", dtypeName(b.dtype)},
                           {"shape", shapeJson(b.dims)}});
        }
        je[side] = ports;
      }
      je["plan"] = {{"max_tokens", e.plan.maxTokens},
                    {"peak_bytes", e.plan.peakBytes},
                    {"naive_bytes", e.plan.naiveBytes},
                    {"alignment", e.plan.alignment}};
      je["buffers"] = e.buffers.size();
      je["launch_count"] = e.program.size();
      je["launches"] = launchCounts(e);
      je["activations_written"] = {{"tokens", written[ei].first},
                                   {"bytes", written[ei].second}};
      nlohmann::ordered_json adaptive = nlohmann::ordered_json::array();
      for (const AdaptiveLaunch &al : adaptiveLaunches(e)) {
        const auto &a = std::get<AttentionAttrs>(al.launch->attrs);
        nlohmann::ordered_json regimes = nlohmann::ordered_json::array();
        for (const Regime &r : al.regimes)
          regimes.push_back({{"min_tokens", r.first},
                             {"max_tokens", r.last},
                             {"window", describeWindow(r.window)},
                             {"variants", r.variants}});
        adaptive.push_back({{"launch", al.index},
                            {"location", al.launch->location},
                            {"window", describeWindow(a.window)},
                            {"regimes", regimes}});
      }
      je["adaptive_attention"] = adaptive;
      entries.push_back(je);
    }
    j["entries"] = entries;
    nlohmann::ordered_json params = {{"count", total.count},
                                     {"bytes", total.bytes}};
    nlohmann::ordered_json by = nlohmann::ordered_json::object();
    for (const auto &[dtype, s] : byDtype)
      by[dtype] = {{"count", s.count}, {"bytes", s.bytes}};
    params["by_dtype"] = by;
    j["parameters"] = params;
    nlohmann::ordered_json kernels = nlohmann::ordered_json::array();
    for (const Kernel &k : m.kernels)
      kernels.push_back({{"name", k.name},
                         {"entry", k.entry},
                         {"block", k.block},
                         {"shared_memory_bytes", k.sharedMemoryBytes},
                         {"cubin_bytes", k.cubin.size()},
                         {"ptx_bytes", k.ptx.size()},
                         {"grid",
                          {formatGridDim(k.grid[0]), formatGridDim(k.grid[1]),
                           formatGridDim(k.grid[2])}},
                         {"registers", k.report.registers},
                         {"spill_stores", k.report.spillStores},
                         {"spill_loads", k.report.spillLoads},
                         {"stack_bytes", k.report.stackBytes},
                         {"static_shared_bytes", k.report.sharedBytes}});
    j["kernels"] = kernels;
    // Names come from the file: replace invalid UTF-8 instead of throwing.
    std::cout << j.dump(2, ' ', false,
                        nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  std::cout << "module " << o.module << " (format version " << m.formatVersion
            << ")\n";
  std::cout << "  producer: " << (m.producer.empty() ? "-" : m.producer)
            << "\n  target: " << (m.target.empty() ? "-" : m.target)
            << "\n  model: " << (m.model.empty() ? "-" : m.model) << "\n";
  if (m.limits.maxTokens || m.limits.maxPositions) {
    std::cout << "  limits:";
    if (m.limits.maxTokens)
      std::cout << " max_tokens " << *m.limits.maxTokens;
    if (m.limits.maxPositions)
      std::cout << " max_positions " << *m.limits.maxPositions;
    std::cout << "\n";
  }
  if (m.passes.empty())
    std::cout << "passes: none recorded\n";
  else
    std::cout << "passes: " << m.passes.size() << "\n";
  for (const PassRecord &p : m.passes)
    std::cout << "  " << describePassRecord(p) << "\n";
  for (size_t ei = 0; ei < m.entries.size(); ++ei) {
    const EntryPoint &e = m.entries[ei];
    std::cout << "entry @" << e.name << " (stateless): " << e.program.size()
              << " launches, " << e.buffers.size() << " buffers\n";
    for (const Port &p : e.inputs)
      std::cout << "  input  " << p.name << ": "
                << typeText(e.buffers[p.buffer]) << "\n";
    for (const Port &p : e.outputs)
      std::cout << "  output " << p.name << ": "
                << typeText(e.buffers[p.buffer]) << "\n";
    std::cout << "  plan: max_tokens " << e.plan.maxTokens << ", peak "
              << formatBytes(e.plan.peakBytes) << ", naive "
              << formatBytes(e.plan.naiveBytes) << "\n";
    std::cout << "  launches:";
    for (const auto &[kind, n] : launchCounts(e))
      std::cout << " " << kind << " " << n;
    std::cout << "\n";
    std::cout << "  activations written at T = " << written[ei].first << ": "
              << formatBytes(written[ei].second) << "\n";
    for (const AdaptiveLaunch &al : adaptiveLaunches(e)) {
      const auto &a = std::get<AttentionAttrs>(al.launch->attrs);
      std::cout << "  program[" << al.index << "] attention";
      if (!al.launch->location.empty())
        std::cout << " at " << al.launch->location;
      std::cout << ": window " << describeWindow(a.window) << ":";
      for (size_t r = 0; r < al.regimes.size(); ++r) {
        const Regime &g = al.regimes[r];
        std::cout << (r ? "; " : " ") << tokenRange(g) << " "
                  << describeWindow(g.window) << " (variant"
                  << (g.variants.size() > 1 ? "s " : " ") << g.variants.front();
        if (g.variants.size() > 1)
          std::cout << "-" << g.variants.back();
        std::cout << ")";
      }
      std::cout << "\n";
    }
  }
  std::cout << "parameters: " << total.count << ", " << formatBytes(total.bytes)
            << "\n";
  for (const auto &[dtype, s] : byDtype)
    std::cout << "  " << dtype << ": " << s.count << ", "
              << formatBytes(s.bytes) << "\n";
  std::cout << "kernels: " << m.kernels.size() << "\n";
  for (const Kernel &k : m.kernels)
    std::cout << "  " << k.name << ": block [" << k.block[0] << ", "
              << k.block[1] << ", " << k.block[2] << "], grid ["
              << formatGridDim(k.grid[0]) << ", " << formatGridDim(k.grid[1])
              << ", " << formatGridDim(k.grid[2]) << "], " << k.report.registers
              << " registers, " << k.report.spillStores + k.report.spillLoads
              << " spill bytes, " << k.report.stackBytes << " stack bytes, "
              << k.report.sharedBytes + k.sharedMemoryBytes
              << " shared bytes, cubin " << formatBytes(k.cubin.size())
              << ", ptx " << formatBytes(k.ptx.size()) << "\n";
  return 0;
}

/// Writes `bytes` to `path`; false with a message on failure.
bool writeFile(const std::string &path, const void *bytes, size_t size) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    fail(cat(path, ": cannot write: ", std::strerror(errno)));
    return false;
  }
  bool ok = std::fwrite(bytes, 1, size, f) == size;
  ok = std::fclose(f) == 0 && ok;
  if (!ok)
    fail(cat(path, ": cannot write: ", std::strerror(errno)));
  return ok;
}

/// --extract-kernels: <dir>/<name>.cu, .cubin and .ptx of every kernel. The
/// names come from the file: anything but [A-Za-z0-9_] is refused.
int extractKernels(const std::string &dir, const Module &m) {
  for (size_t i = 0; i < m.kernels.size(); ++i) {
    const Kernel &k = m.kernels[i];
    bool plain = !k.name.empty();
    for (char c : k.name)
      plain =
          plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!plain)
      return fail(cat("kernels[", i, "]: name '", k.name,
                      "' is not a plain identifier"));
    std::string base = dir + "/" + k.name;
    if (!writeFile(base + ".cu", k.source.data(), k.source.size()) ||
        !writeFile(base + ".cubin", k.cubin.data(), k.cubin.size()) ||
        !writeFile(base + ".ptx", k.ptx.data(), k.ptx.size()))
      return 1;
  }
  std::printf("%zu kernels written to %s\n", m.kernels.size(), dir.c_str());
  return 0;
}

void printTimings(const EntryPoint &e, int64_t tokens,
                  const std::vector<LaunchTiming> &timings) {
  std::map<std::string, std::pair<int64_t, double>> by;
  double total = 0;
  for (const LaunchTiming &t : timings) {
    auto &s = by[opKindName(t.kind)];
    ++s.first;
    s.second += t.microseconds;
    total += t.microseconds;
  }
  std::fprintf(stderr, "ds-run: @%s, T = %lld: %zu launches, %.1f us\n",
               e.name.c_str(), static_cast<long long>(tokens), timings.size(),
               total);
  for (const auto &[kind, s] : by)
    std::fprintf(stderr, "  %-14s %6lld %12.1f us %6.1f%%\n", kind.c_str(),
                 static_cast<long long>(s.first), s.second,
                 total > 0 ? 100.0 * s.second / total : 0.0);
}

/// --sim-stats: one JSON line per attention launch of the last run.
void printSimStats(const EntryPoint &e, int64_t tokens,
                   const std::vector<LaunchTiming> &timings) {
  for (size_t i = 0; i < timings.size() && i < e.program.size(); ++i) {
    const LaunchTiming &t = timings[i];
    const Launch &l = e.program[i];
    if (t.kvTiles < 0 || l.kind() != OpKind::Attention)
      continue;
    const auto &a = std::get<AttentionAttrs>(l.attrs);
    auto extent = [&](const Dim &d) {
      return d.dynamic() ? d.tokenScale * tokens : d.size;
    };
    const Buffer &q = e.buffers[l.operands[0]], &k = e.buffers[l.operands[1]];
    nlohmann::ordered_json j;
    j["launch"] = i;
    j["location"] = l.location;
    j["window"] = windowKindName(a.window.kind);
    j["window_size"] = a.window.size;
    j["window_sinks"] = a.window.sinks;
    j["window_threshold"] = a.window.threshold;
    j["block_sparse"] = a.blockSparse;
    j["tokens"] = extent(q.dims[0]);
    j["keys"] = extent(k.dims[0]);
    j["heads"] = q.dims[1].size;
    if (t.variant >= 0 && static_cast<size_t>(t.variant) < l.variants.size())
      j["tile"] = l.variants[static_cast<size_t>(t.variant)].config.tile;
    j["kv_tiles"] = t.kvTiles;
    j["microseconds"] = t.microseconds;
    std::printf("%s\n", j.dump(-1, ' ', false,
                               nlohmann::ordered_json::error_handler_t::replace)
                            .c_str());
  }
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  if (std::string error = parseArgs(argc, argv, o); !error.empty()) {
    std::fprintf(stderr, "%s", kUsage);
    return fail(error);
  }
  if (o.help) {
    std::printf("%s", kUsage);
    return 0;
  }
  Expected<Module> module = loadModuleFile(o.module);
  if (!module)
    return fail(module.message());
  if (o.info)
    return info(o, *module);
  if (!o.extractKernels.empty())
    return extractKernels(o.extractKernels, *module);

  SessionOptions options;
  options.device = o.device;
  options.sim.checks = !o.simNoChecks;
  if (!o.simSeed.empty()) {
    char *end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(o.simSeed.c_str(), &end, 10);
    if (errno || end == o.simSeed.c_str() || *end || o.simSeed[0] == '-')
      return fail("--sim-seed: '" + o.simSeed + "' is not an integer");
    options.sim.seed = n;
  }
  if (!o.maxMemory.empty()) {
    Expected<int64_t> limit = parseByteSize(o.maxMemory);
    if (!limit)
      return fail("--max-memory: " + limit.message());
    options.memoryLimit = *limit;
  }
  if (!o.maxTokens.empty()) {
    Expected<int64_t> n = positiveInteger("--max-tokens", o.maxTokens);
    if (!n)
      return fail(n.message());
    options.maxTokens = *n;
    options.maxTokensSource = "--max-tokens";
  }
  if (o.simStats && o.device != "sim")
    return fail("--sim-stats: the " + o.device +
                " device does not count kernel work (use --device sim)");
  RoutingProfile profile;
  profile.model = module->model;
  if (!o.profileRouting.empty()) {
    if (o.device != "cpu")
      return fail("--profile-routing: the " + o.device +
                  " device does not record routing profiles (use --device "
                  "cpu)");
    options.routingProfile = &profile;
  }
  Expected<std::unique_ptr<Session>> session = Session::create(
      std::make_shared<const Module>(std::move(module).value()), options);
  if (!session)
    return fail(session.message());
  Session &s = **session;
  Expected<const EntryPoint *> entry = s.entry(o.entry);
  if (!entry)
    return fail(o.module + ": " + entry.message());
  const EntryPoint &e = **entry;

  Expected<SafetensorsFile> inputs = SafetensorsFile::open(o.inputs);
  if (!inputs)
    return fail(inputs.message());
  EntrySignature signature = s.signature(e);
  Expected<std::vector<cpu::Tensor>> args = bindInputs(signature, *inputs);
  if (!args)
    return fail(args.message());
  std::optional<int64_t> tokens = tokenCount(signature, *args);

  if (Status st = s.bindWeights(o.weights); !st.ok())
    return fail(st.message());
  if (Status st = s.run(e, std::move(args).value()); !st.ok())
    return fail(st.message());

  std::vector<TensorToWrite> tensors;
  for (const OutputTensor &out : s.outputs())
    tensors.push_back(
        {out.name, out.dtype, out.shape, out.bytes.data(), out.bytes.size()});
  if (Status st = writeSafetensors(o.output, tensors); !st.ok())
    return fail(st.message());
  if (o.timings)
    printTimings(e, tokens.value_or(1), s.timings());
  if (o.simStats)
    printSimStats(e, tokens.value_or(1), s.timings());
  if (!o.profileRouting.empty())
    if (Status st = profile.write(o.profileRouting); !st.ok())
      return fail(st.message());
  return 0;
}
