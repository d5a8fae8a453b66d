//===- sim.h - Run CUDA kernels on the CPU ----------------------*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// The host side of the sim (design §7a, runtime/sim/README.md): a `Device`
// holds the registered global buffers and the reusable fiber stacks, shared
// memory and shadow memory; `launch` runs a kernel's grid, each CTA's threads
// as fibers under a seeded random schedule, with hazard checks. A hazard is
// a failed Status naming the kernel, block, thread and address, never an
// abort.
//
// Kernels come from a host-compiled CUDA source (ds/sim/cuda_sim.h): either
// compiled into the program (`Kernel::of(fn, "name")`) or into a shared
// library (`compileKernelLibrary` + `loadKernelLibrary`).
//
//===----------------------------------------------------------------------===//

#ifndef DS_SIM_SIM_H
#define DS_SIM_SIM_H

#include "ds/sim/abi.h"
#include "ds/status.h"

#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ds {
namespace sim {

/// A kernel entry: the function the launcher calls on every thread.
class Kernel {
public:
  Kernel() = default;
  /// Calls the kernel `function` on one thread.
  using Invoker = void (*)(void *function, void **params, Thread *self,
                           const Api *api);

  /// A library's entry (an EntryFn), kept open by `library`.
  Kernel(std::string name, EntryFn entry, std::shared_ptr<void> library);

  /// A kernel compiled into this program (`fn` is the `__global__`
  /// function; its parameters are read from the parameter array).
  template <class... A> static Kernel of(void (*fn)(A...), std::string name);

  const std::string &name() const { return Name; }
  /// Runs the kernel on the calling fiber as `self`.
  void invoke(void **params, Thread *self, const Api *api) const {
    Invoke(Function, params, self, api);
  }
  explicit operator bool() const { return Invoke != nullptr; }

private:
  std::string Name;
  void *Function = nullptr;
  Invoker Invoke = nullptr;
  std::shared_ptr<void> Library; ///< keeps a loaded library open
};

/// Launch options. The defaults are the test settings: checks on.
struct LaunchOptions {
  uint64_t seed = 1;         ///< the random schedule's seed
  bool checks = true;        ///< bounds, read-only and race checks
  bool shuffleBlocks = true; ///< run the CTAs in a seeded random order
  /// Also switch threads every N checked accesses (0: only at barriers,
  /// warp collectives, atomics and fences).
  unsigned switchEveryAccesses = 0;
  size_t maxSharedBytes = 227 * 1024; ///< static + dynamic per block
  unsigned maxThreadsPerBlock = 1024;
};

/// The CPU device: registered global memory plus the state reused across
/// launches. Not thread-safe; use one per OS thread.
class Device {
public:
  /// `stackBytes`: each fiber's stack (rounded up to pages; a guard page
  /// below it turns an overflow into a crash, not a silent corruption).
  explicit Device(size_t stackBytes = 64 * 1024);
  ~Device();
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  /// Registers [base, base + bytes) as global memory named `name` (for
  /// messages); checked accesses outside every registered buffer are
  /// hazards, and stores into a `readOnly` buffer too. Overlapping an
  /// existing buffer is an error.
  Status registerBuffer(const void *base, size_t bytes, std::string name,
                        bool readOnly = false);
  /// Forgets the buffer starting at `base`.
  void unregisterBuffer(const void *base);
  void clearBuffers();

  LaunchOptions &options() { return Options; }

  /// Runs `kernel` over `grid` x `block`, with `dynamicSharedBytes` of
  /// dynamic shared memory; `params[i]` points at the i-th argument.
  Status launch(const Kernel &kernel, Dim3 grid, Dim3 block,
                size_t dynamicSharedBytes, void **params);

  /// Fiber switches of the last launch (for benchmarks).
  uint64_t lastSwitches() const;

  struct Impl;

private:
  std::unique_ptr<Impl> P;
  LaunchOptions Options;
};

/// Typed launch: `launch(dev, Kernel::of(fn, "k"), grid, block, smem,
/// args...)` with the arguments converted to the kernel's parameter types.
template <class... A, class... Args>
Status launch(Device &device, void (*fn)(A...), const std::string &name,
              Dim3 grid, Dim3 block, size_t dynamicSharedBytes,
              Args &&...args) {
  static_assert(sizeof...(A) == sizeof...(Args), "wrong number of arguments");
  std::tuple<std::remove_cv_t<A>...> values(std::forward<Args>(args)...);
  void *params[sizeof...(A) + 1] = {};
  std::apply(
      [&](auto &...v) {
        size_t i = 0;
        ((params[i++] = static_cast<void *>(&v)), ...);
      },
      values);
  return device.launch(Kernel::of(fn, name), grid, block, dynamicSharedBytes,
                       params);
}

/// Compiles the CUDA C++ `source` (which includes ds/sim/cuda_sim.h) with
/// the host compiler (`$CXX`, else `c++`) into a shared library: `-O1
/// -shared -fPIC -std=c++17 -I<include dir>` plus `extraFlags`. The result
/// is cached in `$DS_CACHE_DIR/sim` (default `~/.cache/ds/sim`) under the
/// content hash of the source, the flags and the compiler's `--version`;
/// the source is kept next to it, so a failure can be reproduced. Returns
/// the library's path, or the compiler's log and command line.
Expected<std::string>
compileKernelLibrary(const std::string &source,
                     const std::vector<std::string> &extraFlags = {});

/// The directory compileKernelLibrary caches in.
std::string cacheDirectory();

/// The include directory kernels compile against: `$DS_SIM_INCLUDE_DIR`, or
/// this runtime's `include/` (known at build time).
std::string includeDirectory();

/// Opens the kernel library at `path` and returns its kernel `entryName`
/// (the `extern "C" __global__` function of that name, exported with
/// DS_SIM_EXPORT). The library stays open while a Kernel uses it.
Expected<Kernel> loadKernelLibrary(const std::string &path,
                                   const std::string &entryName);

//===- Implementation
//------------------------------------------------------===//

template <class... A> Kernel Kernel::of(void (*fn)(A...), std::string name) {
  Kernel k;
  k.Name = std::move(name);
  k.Function = reinterpret_cast<void *>(fn);
  k.Invoke = [](void *f, void **params, Thread *self, const Api *api) {
    detail::runEntry(reinterpret_cast<void (*)(A...)>(f), params, self, api);
  };
  return k;
}

} // namespace sim
} // namespace ds

#endif // DS_SIM_SIM_H
