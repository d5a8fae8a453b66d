//===- cuda_backend.cpp - the cuda device: the module's kernels on a GPU --===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7: runs a launch program with the module's own kernels on a
// GPU through the driver API (cuda_driver.h, loaded with dlopen). The
// buffers are laid out as the sim lays them out (sim_backend.cpp, the model
// for this file): one arena at the plan's offsets, each weight in its own
// allocation, each input in its own allocation, copied per run.
//
// The pieces, in the order a session meets them:
//
//  - Device: GPU 0, or $DS_CUDA_DEVICE (an ordinal); its primary context,
//    made current on the calling thread by every entry point; one
//    non-blocking stream for every copy and launch.
//  - Kernels (KernelLoader): each module kernel becomes one CUmodule and its
//    CUfunction. The cubin is loaded when the GPU's compute capability is
//    the module's target's (the cubins are for sm_90a: an sm_90 GPU); any
//    other GPU, a kernel without a cubin, a cubin the driver refuses, or
//    $DS_CUDA_JIT=1 compiles the kernel's embedded source with NVRTC for the
//    GPU's arch (nvrtc_jit.h; cached on disk). Kernels asking for more than
//    48 KiB of dynamic shared memory get the opt-in attribute, after a check
//    against the GPU's limit.
//  - Memory (DeviceBuffer): cuMemAlloc'ed, freed on destruction; an
//    allocation that fails with CUDA_ERROR_OUT_OF_MEMORY is reported with
//    what it was for, its size and the GPU's free and total memory. The
//    arena is one allocation, zeroed once; each parameter is decoded
//    (decodeParameter), encoded into a host staging buffer in its dtype and
//    uploaded once, at bindWeights; inputs are encoded and uploaded per run
//    into buffers kept for the next run when large enough.
//  - Launches: the variant of each launch is the first whose bucket holds T;
//    its kernel's grid at T (a grid with a 0 dim skips the launch, timed as
//    0); the one parameter is a ds::KernelArgs with the launch's buffers
//    (operands then results) and T, passed as cuLaunchKernel's params =
//    {&args}. Each launch is bracketed by two CUDA events; after the run's
//    final stream sync every launch's GPU time is cuEventElapsedTime of its
//    pair. $DS_CUDA_REPEAT=N (N > 1) runs the program N times and reports
//    the median per launch over runs 2..N (run 1 is a warm-up).
//  - Faults: every driver error becomes a Status naming the call, the
//    launch (#i, op kind, location), the kernel and the driver's text. A
//    kernel's fault surfaces at the next synchronization, which cannot tell
//    which launch it was; $DS_CUDA_SYNC=1 synchronizes after every launch so
//    the message names it.
//  - $DS_CUDA_VERBOSE=1 prints the GPU and how each kernel was loaded
//    (cubin, JIT, JIT from the cache) on stderr.
//
//===----------------------------------------------------------------------===//

#include "backend.h"
#include "buffer_layout.h"
#include "cuda_driver.h"
#include "nvrtc_jit.h"

#include "ds/kernel_args.h"
#include "ds/memory.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace ds {

namespace {

using cuda::Api;
using cuda::CUdeviceptr;
using cuda::CUresult;
using cuda::errorText;
using cuda::kSuccess;

/// The shared memory a CTA has without opting in.
constexpr int64_t kDefaultSharedBytes = 48 * 1024;

/// "call: CUDA_ERROR_... (text)" for a failed driver call, else success.
Status check(CUresult r, const char *call) {
  if (r == kSuccess)
    return Status::success();
  return Status::error(cat(call, ": ", errorText(r)));
}

/// An environment variable's value; empty when unset.
std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool envFlag(const char *name) {
  std::string v = env(name);
  return !v.empty() && v != "0";
}

/// The SM version of a target ("sm_90a" -> 90, "sm_86" -> 86); -1 when the
/// target is not of that form.
int targetSm(const std::string &target) {
  if (target.rfind("sm_", 0) != 0)
    return -1;
  int sm = 0;
  size_t i = 3;
  for (;
       i < target.size() && std::isdigit(static_cast<unsigned char>(target[i]));
       ++i)
    sm = sm * 10 + (target[i] - '0');
  return i == 3 ? -1 : sm;
}

/// The GPU a session runs on and the calls that need it.
class Gpu {
public:
  ~Gpu() {
    if (Context)
      A->primaryCtxRelease(Info.device);
  }

  /// Opens the GPU named by $DS_CUDA_DEVICE (default 0) and retains its
  /// primary context.
  Status open() {
    Expected<const Api *> api = cuda::driver();
    if (!api)
      return api.status();
    A = *api;
    Expected<std::vector<cuda::GpuInfo>> gpus = cuda::gpus();
    if (!gpus)
      return gpus.status();
    int ordinal = 0;
    if (std::string v = env("DS_CUDA_DEVICE"); !v.empty()) {
      char *end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (*end || end == v.c_str() || n < 0 ||
          n >= static_cast<long>(gpus->size()))
        return Status::error(cat(
            "DS_CUDA_DEVICE=", v, ": not a GPU ordinal (", gpus->size(), " GPU",
            gpus->size() == 1 ? "" : "s", ": 0 .. ", gpus->size() - 1, ")"));
      ordinal = static_cast<int>(n);
    }
    Info = (*gpus)[static_cast<size_t>(ordinal)];
    if (Status s = check(A->primaryCtxRetain(&Context, Info.device),
                         "cuDevicePrimaryCtxRetain");
        !s.ok()) {
      Context = nullptr;
      return s;
    }
    return makeCurrent();
  }

  Status makeCurrent() const {
    return check(A->ctxSetCurrent(Context), "cuCtxSetCurrent");
  }

  /// "NVIDIA H200 (GPU 0, sm_90)".
  std::string describe() const {
    return cat(Info.name, " (GPU ", Info.ordinal, ", sm_", sm(), ")");
  }
  int sm() const { return Info.major * 10 + Info.minor; }

  /// "; the GPU has 1.0 GiB free of 80.0 GiB" (empty when unknown).
  std::string freeMemory() const {
    size_t free = 0, total = 0;
    if (A->memGetInfo(&free, &total) != kSuccess)
      return "";
    return cat("; ", describe(), " has ",
               formatBytes(static_cast<int64_t>(free)), " free of ",
               formatBytes(static_cast<int64_t>(total)));
  }

  const Api *A = nullptr;
  cuda::GpuInfo Info;
  cuda::CUcontext Context = nullptr;
};

/// One cuMemAlloc'ed range, freed on destruction.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  DeviceBuffer(DeviceBuffer &&o) noexcept { *this = std::move(o); }
  DeviceBuffer &operator=(DeviceBuffer &&o) noexcept {
    reset();
    std::swap(A, o.A);
    std::swap(Ptr, o.Ptr);
    std::swap(Size, o.Size);
    return *this;
  }
  ~DeviceBuffer() { reset(); }

  /// Allocates `bytes` (none for 0) for `what`; an out-of-memory error says
  /// how much the GPU has free.
  static Expected<DeviceBuffer> allocate(const Gpu &gpu, size_t bytes,
                                         const std::string &what) {
    DeviceBuffer b;
    b.A = gpu.A;
    b.Size = bytes;
    if (bytes == 0)
      return b;
    CUresult r = gpu.A->memAlloc(&b.Ptr, bytes);
    if (r != kSuccess) {
      b.Ptr = 0;
      std::string size = formatBytes(static_cast<int64_t>(bytes));
      if (r == cuda::kErrorOutOfMemory)
        return Status::error(cat("out of GPU memory allocating ", what, " (",
                                 size, "): cuMemAlloc: ", errorText(r),
                                 gpu.freeMemory()));
      return Status::error(
          cat("cuMemAlloc of ", size, " for ", what, ": ", errorText(r)));
    }
    return b;
  }

  CUdeviceptr ptr() const { return Ptr; }
  size_t size() const { return Size; }

private:
  void reset() {
    if (Ptr)
      A->memFree(Ptr);
    Ptr = 0;
    Size = 0;
  }
  const Api *A = nullptr;
  CUdeviceptr Ptr = 0;
  size_t Size = 0;
};

/// A module kernel loaded for the GPU: its CUmodule and entry.
struct LoadedKernel {
  cuda::CUmodule module = nullptr;
  cuda::CUfunction function = nullptr;
  std::string how; ///< "cubin", "JIT for sm_86", "JIT for sm_86 (cached)"
};

/// Loads the module's kernels for one GPU (the cubin or an NVRTC JIT).
class KernelLoader {
public:
  KernelLoader(const Gpu &gpu, const Module &module)
      : G(gpu), M(module), ForceJit(envFlag("DS_CUDA_JIT")) {}

  Expected<LoadedKernel> load(size_t index) {
    const Kernel &k = M.kernels[index];
    std::string name = cat("kernels[", index, "] '", k.name, "'");
    if (k.entry.empty())
      return Status::error(cat(name, ": no entry point name"));
    LoadedKernel out;
    std::string cubinError;
    bool cubinFits = targetSm(M.target) == G.sm() && !k.cubin.empty();
    if (cubinFits && !ForceJit) {
      CUresult r = G.A->moduleLoadData(&out.module, k.cubin.data());
      if (r == kSuccess) {
        out.how = "cubin";
        return finish(name, k, std::move(out));
      }
      // A cubin the driver cannot run on this GPU: try the source.
      if (r != cuda::kErrorInvalidImage && r != cuda::kErrorNoBinaryForGpu &&
          r != cuda::kErrorUnsupportedPtxVersion)
        return Status::error(cat(name, ": cuModuleLoadData of its ", M.target,
                                 " cubin on ", G.describe(), ": ",
                                 errorText(r)));
      cubinError = cat("its ", M.target, " cubin does not load (", errorText(r),
                       ") and ");
    }
    std::string arch = jitArch();
    if (k.source.empty())
      return Status::error(
          cat(name, ": ", cubinError, "the module's kernels are for ",
              M.target.empty() ? std::string("an unnamed target") : M.target,
              ", ", G.describe(), " needs them compiled for ", arch,
              ", and the kernel carries no source to compile"));
    Expected<cuda::JitCubin> jit = cuda::jitCompile(k.name, k.source, arch);
    if (!jit)
      return Status::error(
          cat(name, ": ", cubinError, "the module's kernels are for ", M.target,
              " and ", G.describe(), " needs ", arch, ": ", jit.message()));
    CUresult r = G.A->moduleLoadData(&out.module, jit->cubin.data());
    if (r != kSuccess)
      return Status::error(cat(name, ": cuModuleLoadData of its ", arch,
                               " JIT cubin", jit->cachePath.empty() ? "" : " ",
                               jit->cachePath, ": ", errorText(r)));
    out.how = cat("JIT for ", arch, jit->fromCache ? " (cached)" : "");
    return finish(name, k, std::move(out));
  }

private:
  /// The arch to JIT for: the module's target when it is this GPU's (an
  /// sm_90a source on an sm_90 GPU keeps its wgmma), else sm_XY.
  std::string jitArch() const {
    if (targetSm(M.target) == G.sm())
      return M.target;
    return cat("sm_", G.sm());
  }

  /// The entry and its shared-memory opt-in.
  Expected<LoadedKernel> finish(const std::string &name, const Kernel &k,
                                LoadedKernel out) {
    if (CUresult r =
            G.A->moduleGetFunction(&out.function, out.module, k.entry.c_str());
        r != kSuccess) {
      G.A->moduleUnload(out.module);
      return Status::error(cat(name, ": cuModuleGetFunction('", k.entry, "') (",
                               out.how, "): ", errorText(r)));
    }
    if (k.sharedMemoryBytes > kDefaultSharedBytes) {
      int64_t limit = G.Info.maxSharedPerBlockOptin;
      std::string problem;
      if (k.sharedMemoryBytes > limit)
        problem = cat("needs ", k.sharedMemoryBytes,
                      " bytes of dynamic shared memory, more than the ", limit,
                      " a CTA of ", G.describe(), " may have");
      else if (CUresult r = G.A->funcSetAttribute(
                   out.function, cuda::kFuncAttrMaxDynamicSharedSizeBytes,
                   static_cast<int>(k.sharedMemoryBytes));
               r != kSuccess)
        problem = cat("cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, ",
                      k.sharedMemoryBytes, "): ", errorText(r));
      if (!problem.empty()) {
        G.A->moduleUnload(out.module);
        return Status::error(cat(name, ": ", problem));
      }
    }
    return out;
  }

  const Gpu &G;
  const Module &M;
  bool ForceJit;
};

class CudaBackend final : public Backend {
public:
  CudaBackend(const Module &module, int64_t arenaBytes, int64_t memoryLimit)
      : M(module), Budget(memoryLimit), ArenaSize(arenaBytes) {}

  ~CudaBackend() override {
    if (!G.Context)
      return;
    (void)G.makeCurrent();
    if (Stream)
      G.A->streamSynchronize(Stream);
    Inputs.clear();
    Weights.clear();
    Arena = DeviceBuffer();
    for (cuda::CUevent e : Events)
      G.A->eventDestroy(e);
    if (Stream)
      G.A->streamDestroy(Stream);
    for (const LoadedKernel &k : Kernels)
      G.A->moduleUnload(k.module);
  }

  Status initialize() {
    if (Status s = G.open(); !s.ok())
      return s;
    if (M.kernels.empty())
      return Status::error(
          cat("found ", G.describe(),
              ", but the module has no kernels (it was written with "
              "--no-kernels); the cuda device runs a module's own kernels: "
              "recompile it without --no-kernels, or use --device cpu"));
    if (Status s = loadKernels(); !s.ok())
      return s;
    if (Status s = check(G.A->streamCreate(&Stream, cuda::kStreamNonBlocking),
                         "cuStreamCreate");
        !s.ok()) {
      Stream = nullptr;
      return s;
    }
    Expected<DeviceBuffer> arena =
        DeviceBuffer::allocate(G, static_cast<size_t>(ArenaSize), "the arena");
    if (!arena)
      return arena.status();
    Arena = std::move(arena).value();
    if (Arena.size())
      if (Status s = check(G.A->memsetD8(Arena.ptr(), 0, Arena.size()),
                           "cuMemsetD8 (zeroing the arena)");
          !s.ok())
        return s;
    return Status::success();
  }

  Status bindWeights(const ParameterTable &table,
                     const Checkpoint &checkpoint) override {
    if (Status s = G.makeCurrent(); !s.ok())
      return s;
    Weights.clear();
    std::vector<uint8_t> staging;
    for (const ParameterSpec &p : table.parameters()) {
      std::string what = cat("parameter @", p.name);
      Expected<cpu::Tensor> t = decodeParameter(p, checkpoint);
      if (!t)
        return t.status();
      size_t bytes = t->encodedBytes();
      if (Status s = Budget.check(static_cast<int64_t>(bytes),
                                  cat("the host staging of ", what));
          !s.ok())
        return s;
      staging.resize(bytes);
      t->encodeTo(staging.data());
      Expected<DeviceBuffer> d = DeviceBuffer::allocate(G, bytes, what);
      if (!d)
        return d.status();
      if (bytes)
        if (Status s = check(G.A->memcpyHtoD(d->ptr(), staging.data(), bytes),
                             "cuMemcpyHtoD");
            !s.ok())
          return s.withContext(cat("uploading ", what));
      Weights.push_back(std::move(d).value());
    }
    return Status::success();
  }

  Status run(const EntryPoint &entry, int64_t tokens,
             std::vector<cpu::Tensor> args, std::vector<OutputTensor> &outputs,
             std::vector<LaunchTiming> &timings) override {
    if (!Broken.empty())
      return Status::error(cat("the GPU faulted in an earlier run (", Broken,
                               "); this session cannot run again"));
    if (Status s = G.makeCurrent(); !s.ok())
      return s;
    Layout layout(entry);
    if (Status s = uploadInputs(entry, args); !s.ok())
      return s;
    int repeat = 1;
    if (std::string v = env("DS_CUDA_REPEAT"); !v.empty())
      repeat = std::max(1, std::atoi(v.c_str()));
    std::vector<std::vector<double>> samples(entry.program.size());
    for (int r = 0; r < repeat; ++r) {
      std::vector<double> micros;
      if (Status s = program(entry, layout, tokens, micros); !s.ok())
        return s;
      if (repeat == 1 || r > 0)
        for (size_t i = 0; i < micros.size(); ++i)
          samples[i].push_back(micros[i]);
    }
    timings.clear();
    for (size_t i = 0; i < entry.program.size(); ++i) {
      std::vector<double> &v = samples[i];
      std::sort(v.begin(), v.end());
      timings.push_back({entry.program[i].kind(), entry.program[i].location,
                         v.empty() ? 0.0 : v[v.size() / 2]});
    }
    return collect(entry, layout, tokens, outputs);
  }

private:
  Status loadKernels() {
    KernelLoader loader(G, M);
    size_t jit = 0, cached = 0;
    for (size_t i = 0; i < M.kernels.size(); ++i) {
      Expected<LoadedKernel> k = loader.load(i);
      if (!k)
        return k.status();
      jit += k->how != "cubin";
      cached += k->how.find("cached") != std::string::npos;
      Kernels.push_back(std::move(k).value());
    }
    if (envFlag("DS_CUDA_VERBOSE")) {
      std::fprintf(
          stderr,
          "ds cuda: %s, %d SMs, %s; module target %s; %zu kernels: "
          "%zu cubin, %zu JIT (%zu from the cache %s)\n",
          G.describe().c_str(), G.Info.multiprocessors,
          formatBytes(static_cast<int64_t>(G.Info.memoryBytes)).c_str(),
          M.target.c_str(), Kernels.size(), Kernels.size() - jit, jit, cached,
          cuda::jitCacheDir().c_str());
      for (size_t i = 0; i < Kernels.size(); ++i)
        std::fprintf(stderr, "ds cuda:   kernels[%zu] %s: %s\n", i,
                     M.kernels[i].name.c_str(), Kernels[i].how.c_str());
    }
    return Status::success();
  }

  /// Encodes and uploads each input into its buffer (kept across runs,
  /// grown when too small).
  Status uploadInputs(const EntryPoint &entry,
                      const std::vector<cpu::Tensor> &args) {
    Inputs.resize(std::max(Inputs.size(), args.size()));
    std::vector<uint8_t> staging;
    for (size_t i = 0; i < args.size(); ++i) {
      std::string what = cat(
          "input '", i < entry.inputs.size() ? entry.inputs[i].name : "", "'");
      size_t bytes = args[i].encodedBytes();
      if (Status s = Budget.check(static_cast<int64_t>(bytes),
                                  cat("the host staging of ", what));
          !s.ok())
        return s;
      staging.resize(bytes);
      args[i].encodeTo(staging.data());
      if (Inputs[i].size() < bytes) {
        Inputs[i] = DeviceBuffer();
        Expected<DeviceBuffer> d = DeviceBuffer::allocate(G, bytes, what);
        if (!d)
          return d.status();
        Inputs[i] = std::move(d).value();
      }
      if (bytes)
        if (Status s =
                check(G.A->memcpyHtoD(Inputs[i].ptr(), staging.data(), bytes),
                      "cuMemcpyHtoD");
            !s.ok())
          return s.withContext(cat("uploading ", what));
    }
    return Status::success();
  }

  /// The device address of buffer `b` at T.
  CUdeviceptr address(const EntryPoint &e, const Layout &l, uint32_t b,
                      int64_t tokens) const {
    const Buffer &r = e.buffers[l.root[b]];
    CUdeviceptr base = r.kind == BufferKind::Arena ? Arena.ptr()
                       : r.kind == BufferKind::Weight
                           ? Weights[r.parameter].ptr()
                           : Inputs[r.input].ptr();
    return base + static_cast<CUdeviceptr>(l.offsetAt(e, b, tokens));
  }

  /// Two events per launch, created once.
  Status ensureEvents(size_t launches) {
    while (Events.size() < 2 * launches) {
      cuda::CUevent e = nullptr;
      if (Status s =
              check(G.A->eventCreate(&e, cuda::kEventDefault), "cuEventCreate");
          !s.ok())
        return s;
      Events.push_back(e);
    }
    return Status::success();
  }

  /// "launch #3 (norm at model.mlir:12:5)".

  /// Marks the session broken after a fault the context cannot recover
  /// from, and says so.
  Status fault(Status s) {
    Broken = s.message().substr(0, 200);
    return s;
  }

  /// Enqueues one launch of `k` with `args`; the grid is checked first.
  Status launchOne(const Launch &launch, size_t i, const Kernel &k,
                   const LoadedKernel &loaded, KernelArgs &args, int64_t tokens,
                   bool &skipped) {
    std::array<int64_t, 3> grid = k.gridAt(tokens);
    skipped = grid[0] <= 0 || grid[1] <= 0 || grid[2] <= 0;
    if (skipped)
      return Status::success();
    if (grid[0] > kMaxGridX || grid[1] > 65535 || grid[2] > 65535)
      return Status::error(cat(describeLaunch(launch, i), ", kernel ", k.name,
                               ": grid [", grid[0], ", ", grid[1], ", ",
                               grid[2], "] at ", tokens,
                               " tokens is above CUDA's limits"));
    void *params[] = {&args};
    CUresult r = G.A->launchKernel(
        loaded.function, static_cast<unsigned>(grid[0]),
        static_cast<unsigned>(grid[1]), static_cast<unsigned>(grid[2]),
        static_cast<unsigned>(k.block[0]), static_cast<unsigned>(k.block[1]),
        static_cast<unsigned>(k.block[2]),
        static_cast<unsigned>(k.sharedMemoryBytes), Stream, params, nullptr);
    if (r != kSuccess)
      return Status::error(cat(
          describeLaunch(launch, i), ", kernel ", k.name, " (grid [", grid[0],
          ", ", grid[1], ", ", grid[2], "], block [", k.block[0], ", ",
          k.block[1], ", ", k.block[2], "], ", k.sharedMemoryBytes,
          " bytes of dynamic shared memory): cuLaunchKernel: ", errorText(r)));
    return Status::success();
  }

  /// Runs the program once, filling one GPU time per launch (µs).
  Status program(const EntryPoint &e, const Layout &l, int64_t tokens,
                 std::vector<double> &micros) {
    if (Status s = ensureEvents(e.program.size()); !s.ok())
      return s;
    bool syncEach = envFlag("DS_CUDA_SYNC");
    std::vector<bool> skipped(e.program.size(), false);
    for (size_t i = 0; i < e.program.size(); ++i) {
      const Launch &launch = e.program[i];
      const Variant *v = variantAt(launch, tokens);
      if (!v || v->kernel < 0 ||
          static_cast<size_t>(v->kernel) >= M.kernels.size())
        return Status::error(cat(describeLaunch(launch, i), ": no kernel for ",
                                 tokens,
                                 " tokens (the module was written without "
                                 "kernels for it)"));
      const Kernel &k = M.kernels[static_cast<size_t>(v->kernel)];
      size_t n = launch.operands.size() + launch.results.size();
      if (n > static_cast<size_t>(kMaxKernelBuffers))
        return Status::error(cat(describeLaunch(launch, i), ": ", n,
                                 " buffers, more than ", kMaxKernelBuffers));
      KernelArgs args{};
      args.tokens = tokens;
      for (size_t j = 0; j < n; ++j) {
        uint32_t b = j < launch.operands.size()
                         ? launch.operands[j]
                         : launch.results[j - launch.operands.size()];
        args.buffers[j] = reinterpret_cast<void *>(
            static_cast<uintptr_t>(address(e, l, b, tokens)));
      }
      if (Status s =
              check(G.A->eventRecord(Events[2 * i], Stream), "cuEventRecord");
          !s.ok())
        return s.withContext(describeLaunch(launch, i));
      bool skip = false;
      if (Status s =
              launchOne(launch, i, k, Kernels[static_cast<size_t>(v->kernel)],
                        args, tokens, skip);
          !s.ok())
        return s;
      skipped[i] = skip;
      if (Status s = check(G.A->eventRecord(Events[2 * i + 1], Stream),
                           "cuEventRecord");
          !s.ok())
        return s.withContext(describeLaunch(launch, i));
      if (syncEach)
        if (Status s =
                check(G.A->streamSynchronize(Stream), "cuStreamSynchronize");
            !s.ok())
          return fault(
              s.withContext(cat(describeLaunch(launch, i), ", kernel ", k.name,
                                " failed on the GPU (DS_CUDA_SYNC=1)")));
    }
    if (Status s = check(G.A->streamSynchronize(Stream), "cuStreamSynchronize");
        !s.ok())
      return fault(
          s.withContext(cat("a kernel of @", e.name, " failed on the GPU at ",
                            tokens, " tokens (one of its ", e.program.size(),
                            " launches; set DS_CUDA_SYNC=1 to name it)")));
    micros.assign(e.program.size(), 0.0);
    for (size_t i = 0; i < e.program.size(); ++i) {
      if (skipped[i])
        continue;
      float ms = 0;
      if (Status s = check(
              G.A->eventElapsedTime(&ms, Events[2 * i], Events[2 * i + 1]),
              "cuEventElapsedTime");
          !s.ok())
        return s.withContext(describeLaunch(e.program[i], i));
      micros[i] = static_cast<double>(ms) * 1000.0;
    }
    return Status::success();
  }

  Status collect(const EntryPoint &e, const Layout &l, int64_t tokens,
                 std::vector<OutputTensor> &outputs) {
    outputs.clear();
    for (const Port &p : e.outputs) {
      Expected<OutputTensor> made = outputFor(e, p, tokens);
      if (!made)
        return made.status();
      OutputTensor out = std::move(made).value();
      if (!out.bytes.empty())
        if (Status s = check(G.A->memcpyDtoH(out.bytes.data(),
                                             address(e, l, p.buffer, tokens),
                                             out.bytes.size()),
                             "cuMemcpyDtoH");
            !s.ok())
          return s.withContext(cat("reading output '", p.name, "'"));
      outputs.push_back(std::move(out));
    }
    return Status::success();
  }

  const Module &M;
  MemoryBudget Budget;
  int64_t ArenaSize = 0;
  Gpu G;
  std::vector<LoadedKernel> Kernels;
  cuda::CUstream Stream = nullptr;
  DeviceBuffer Arena;
  std::vector<DeviceBuffer> Weights;
  std::vector<DeviceBuffer> Inputs;
  std::vector<cuda::CUevent> Events;
  std::string Broken; ///< the fault that broke the context; empty: none
};

} // namespace

Expected<std::unique_ptr<Backend>> createCudaBackend(const Module &module,
                                                     int64_t arenaBytes,
                                                     int64_t memoryLimit) {
  auto backend = std::make_unique<CudaBackend>(module, arenaBytes, memoryLimit);
  if (Status s = backend->initialize(); !s.ok())
    return s.withContext("device 'cuda'");
  return std::unique_ptr<Backend>(std::move(backend));
}

} // namespace ds
