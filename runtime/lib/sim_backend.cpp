//===- sim_backend.cpp - the sim device: the module's kernels on the CPU --===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7, §7a: runs a launch program with the module's own CUDA
// kernels, compiled a second time by the host compiler against the sim's
// execution model (ds/sim/cuda_sim.h) and executed on fibers with the hazard
// checks on and a seeded schedule. The buffers are bytes in their dtype, as
// on a GPU: one arena at the plan's offsets, each weight in its own
// allocation, each input bound per run.
//
// Every kernel source of the module goes into one shared library (the
// sources are self-contained and share the device library's include guards),
// compiled once and cached by content hash (sim::compileKernelLibrary). For
// each launch the sim's global memory is exactly the launch's buffers: an
// access outside them, or a store into an operand that is not also a result,
// is a hazard, reported with the launch, the kernel, the block, the thread
// and the address.
//
// Each launch also gets the sim's statistics counter in the buffer slot after
// its own buffers (ds::simCounter of codegen/cuda/ds_kernel.cuh; a GPU
// launch leaves it null and its kernels do not count): the attention kernel
// adds the KV tiles its CTAs visit, reported as LaunchTiming::kvTiles
// (`ds-run --sim-stats`).
//
//===----------------------------------------------------------------------===//

#include "backend.h"
#include "buffer_layout.h"

#include "ds/kernel_args.h"
#include "ds/memory.h"
#include "ds/sim/sim.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

namespace ds {

namespace {

/// Bytes aligned to 256, as cudaMalloc returns them.
class DeviceBytes {
public:
  DeviceBytes() = default;
  explicit DeviceBytes(size_t size) : Size(size) {
    size_t rounded = (std::max<size_t>(size, 1) + 255) / 256 * 256;
    Data.reset(static_cast<uint8_t *>(std::aligned_alloc(256, rounded)));
    if (Data)
      std::memset(Data.get(), 0, rounded);
  }
  uint8_t *data() const { return Data.get(); }
  size_t size() const { return Size; }
  explicit operator bool() const { return Data != nullptr; }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> Data;
  size_t Size = 0;
};

class SimBackend final : public Backend {
public:
  SimBackend(const Module &module, int64_t arenaBytes, int64_t memoryLimit,
             const SimOptions &options)
      : M(module), Budget(memoryLimit), Options(options),
        ArenaSize(arenaBytes) {}

  Status initialize() {
    if (Status s = loadKernels(); !s.ok())
      return s;
    if (Status s = Budget.reserve(ArenaSize, "the arena"); !s.ok())
      return s;
    Arena = DeviceBytes(static_cast<size_t>(ArenaSize));
    if (!Arena)
      return Status::error(
          cat("cannot allocate the arena (", ArenaSize, " bytes)"));
    Counter = DeviceBytes(sizeof(unsigned));
    if (!Counter)
      return Status::error("cannot allocate the sim's statistics counter");
    LaunchOptions &o = Device.options();
    o.seed = Options.seed;
    o.checks = Options.checks;
    return Status::success();
  }

  Status bindWeights(const ParameterTable &table,
                     const Checkpoint &checkpoint) override {
    Weights.clear();
    for (const ParameterSpec &p : table.parameters()) {
      Expected<cpu::Tensor> t = decodeParameter(p, checkpoint);
      if (!t)
        return t.status();
      size_t bytes = t->encodedBytes();
      if (Status s = Budget.reserve(static_cast<int64_t>(bytes),
                                    cat("parameter @", p.name));
          !s.ok())
        return s;
      DeviceBytes d(bytes);
      if (!d)
        return Status::error(cat("cannot allocate parameter @", p.name));
      t->encodeTo(d.data());
      Weights.push_back(std::move(d));
    }
    return Status::success();
  }

  Status run(const EntryPoint &entry, int64_t tokens,
             std::vector<cpu::Tensor> args, std::vector<OutputTensor> &outputs,
             std::vector<LaunchTiming> &timings) override {
    Layout layout(entry);
    std::vector<DeviceBytes> inputs;
    int64_t held = 0;
    for (const cpu::Tensor &a : args) {
      DeviceBytes d(a.encodedBytes());
      a.encodeTo(d.data());
      held += static_cast<int64_t>(d.size());
      inputs.push_back(std::move(d));
    }
    if (Status s = Budget.reserve(held, "the inputs"); !s.ok())
      return s;
    Status s = program(entry, layout, tokens, inputs, timings);
    if (s.ok())
      s = collect(entry, layout, tokens, inputs, outputs);
    Budget.release(held);
    return s;
  }

private:
  /// Compiles every kernel source into one library and loads the entries.
  Status loadKernels() {
    if (M.kernels.empty())
      return Status::error(
          "the module has no kernels (it was written with --no-kernels); "
          "the sim runs a module's own kernels: recompile it, or use "
          "--device cpu");
    std::string source;
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < M.kernels.size(); ++i) {
      const Kernel &k = M.kernels[i];
      if (k.source.empty())
        return Status::error(cat("kernels[", i, "] '", k.name,
                                 "': no source for the sim to compile"));
      if (!seen.emplace(k.entry, i).second)
        return Status::error(cat("kernels[", i, "] '", k.name, "': entry '",
                                 k.entry, "' is also kernels[", seen[k.entry],
                                 "]'s"));
      source += k.source;
      source += "\n";
    }
    Expected<std::string> library = sim::compileKernelLibrary(source);
    if (!library)
      return library.status().withContext(
          "the sim cannot compile the module's kernels");
    for (const Kernel &k : M.kernels) {
      Expected<sim::Kernel> loaded = sim::loadKernelLibrary(*library, k.entry);
      if (!loaded)
        return loaded.status();
      Kernels.push_back(std::move(loaded).value());
    }
    return Status::success();
  }

  /// The address of buffer `b` at T.
  uint8_t *address(const EntryPoint &e, const Layout &l, uint32_t b,
                   int64_t tokens, std::vector<DeviceBytes> &inputs) {
    const Buffer &r = e.buffers[l.root[b]];
    uint8_t *base = r.kind == BufferKind::Arena    ? Arena.data()
                    : r.kind == BufferKind::Weight ? Weights[r.parameter].data()
                                                   : inputs[r.input].data();
    return base + l.offsetAt(e, b, tokens);
  }

  Status program(const EntryPoint &e, const Layout &l, int64_t tokens,
                 std::vector<DeviceBytes> &inputs,
                 std::vector<LaunchTiming> &timings) {
    for (size_t i = 0; i < e.program.size(); ++i) {
      const Launch &launch = e.program[i];
      auto what = [&] { return describeLaunch(launch, i); };
      const Variant *v = variantAt(launch, tokens);
      if (!v || v->kernel < 0)
        return Status::error(
            cat(what(), ": no kernel for ", tokens,
                " tokens (the module was written without kernels)"));
      const Kernel &k = M.kernels[static_cast<size_t>(v->kernel)];
      size_t n = launch.operands.size() + launch.results.size();
      if (n > static_cast<size_t>(kMaxKernelBuffers))
        return Status::error(
            cat(what(), ": ", n, " buffers, more than ", kMaxKernelBuffers));
      KernelArgs args{};
      args.tokens = tokens;
      // The launch's global memory: its buffers, merged where they overlap
      // (views of one buffer, in-place pairs); read-only unless written.
      struct Range {
        uint8_t *begin, *end;
        bool written;
        std::string name;
      };
      std::vector<Range> ranges;
      for (size_t j = 0; j < n; ++j) {
        bool result = j >= launch.operands.size();
        uint32_t b = result ? launch.results[j - launch.operands.size()]
                            : launch.operands[j];
        const Buffer &buf = e.buffers[b];
        Expected<int64_t> bytes =
            bufferBytes(buf.dtype, buf.dims, tokens, buf.name);
        if (!bytes)
          return bytes.status();
        uint8_t *p = address(e, l, b, tokens, inputs);
        args.buffers[j] = p;
        ranges.push_back({p, p + *bytes, result, buf.name});
      }
      std::sort(
          ranges.begin(), ranges.end(),
          [](const Range &a, const Range &b) { return a.begin < b.begin; });
      std::vector<Range> merged;
      for (Range &r : ranges) {
        if (!merged.empty() && r.begin < merged.back().end) {
          Range &m = merged.back();
          m.end = std::max(m.end, r.end);
          m.written = m.written || r.written;
          m.name += "+" + r.name;
          continue;
        }
        merged.push_back(std::move(r));
      }
      Device.clearBuffers();
      for (const Range &r : merged)
        if (r.end > r.begin)
          if (Status s = Device.registerBuffer(
                  r.begin, static_cast<size_t>(r.end - r.begin), r.name,
                  !r.written);
              !s.ok())
            return s.withContext(what());
      // The statistics counter in the first free slot.
      unsigned visited = 0;
      std::memcpy(Counter.data(), &visited, sizeof visited);
      if (n < static_cast<size_t>(kMaxKernelBuffers)) {
        args.buffers[n] = Counter.data();
        if (Status s = Device.registerBuffer(Counter.data(), Counter.size(),
                                             "the sim's statistics counter");
            !s.ok())
          return s.withContext(what());
      }
      std::array<int64_t, 3> grid = k.gridAt(tokens);
      auto start = std::chrono::steady_clock::now();
      if (grid[0] > 0 && grid[1] > 0 && grid[2] > 0) {
        void *params[] = {&args};
        sim::Dim3 g(static_cast<unsigned>(grid[0]),
                    static_cast<unsigned>(grid[1]),
                    static_cast<unsigned>(grid[2]));
        sim::Dim3 block(static_cast<unsigned>(k.block[0]),
                        static_cast<unsigned>(k.block[1]),
                        static_cast<unsigned>(k.block[2]));
        Status s =
            Device.launch(Kernels[static_cast<size_t>(v->kernel)], g, block,
                          static_cast<size_t>(k.sharedMemoryBytes), params);
        if (!s.ok())
          return s.withContext(cat(what(), ", kernel ", k.name));
      }
      auto end = std::chrono::steady_clock::now();
      LaunchTiming timing;
      timing.kind = launch.kind();
      timing.location = launch.location;
      timing.microseconds =
          std::chrono::duration<double, std::micro>(end - start).count();
      timing.variant = static_cast<int32_t>(v - launch.variants.data());
      if (launch.kind() == OpKind::Attention &&
          n < static_cast<size_t>(kMaxKernelBuffers)) {
        std::memcpy(&visited, Counter.data(), sizeof visited);
        timing.kvTiles = visited;
      }
      timings.push_back(std::move(timing));
    }
    Device.clearBuffers();
    return Status::success();
  }

  Status collect(const EntryPoint &e, const Layout &l, int64_t tokens,
                 std::vector<DeviceBytes> &inputs,
                 std::vector<OutputTensor> &outputs) {
    outputs.clear();
    for (const Port &p : e.outputs) {
      Expected<OutputTensor> out = outputFor(e, p, tokens);
      if (!out)
        return out.status();
      if (!out->bytes.empty())
        std::memcpy(out->bytes.data(), address(e, l, p.buffer, tokens, inputs),
                    out->bytes.size());
      outputs.push_back(std::move(out).value());
    }
    return Status::success();
  }

  using LaunchOptions = sim::LaunchOptions;

  const Module &M;
  MemoryBudget Budget;
  SimOptions Options;
  int64_t ArenaSize = 0;
  DeviceBytes Arena;
  DeviceBytes Counter; ///< the launch's statistics counter (one unsigned)
  std::vector<DeviceBytes> Weights;
  std::vector<sim::Kernel> Kernels;
  sim::Device Device;
};

} // namespace

Expected<std::unique_ptr<Backend>> createSimBackend(const Module &module,
                                                    int64_t arenaBytes,
                                                    int64_t memoryLimit,
                                                    const SimOptions &options) {
  auto backend =
      std::make_unique<SimBackend>(module, arenaBytes, memoryLimit, options);
  if (Status s = backend->initialize(); !s.ok())
    return s;
  return std::unique_ptr<Backend>(std::move(backend));
}

} // namespace ds
