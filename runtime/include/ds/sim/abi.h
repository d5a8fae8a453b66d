//===- abi.h - The sim's interface between kernels and runtime --*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// The boundary between a host-compiled kernel (ds/sim/cuda_sim.h, compiled
// into the test binary or into a dlopen'ed `.so`) and the sim runtime
// (runtime/sim). It is plain data and function pointers, so a kernel library
// built by another compiler, or loaded with RTLD_LOCAL from an executable that
// exports no symbols, needs nothing from the runtime but this table: every
// call into the runtime goes through the `Api` the launcher hands the entry.
//
// A change here changes kAbiVersion; the loader refuses a library built for
// another version.
//
//===----------------------------------------------------------------------===//

#ifndef DS_SIM_ABI_H
#define DS_SIM_ABI_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace ds {
namespace sim {

inline constexpr uint32_t kAbiVersion = 1;

/// CUDA's uint3 / dim3 (the global names are aliases of these in
/// cuda_sim.h, so host code that includes real CUDA headers never clashes).
struct UInt3 {
  unsigned x = 0, y = 0, z = 0;
};
struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr Dim3(unsigned x = 1, unsigned y = 1, unsigned z = 1)
      : x(x), y(y), z(z) {}
  constexpr Dim3(UInt3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator UInt3() const { return UInt3{x, y, z}; }
  constexpr uint64_t count() const { return uint64_t(x) * y * z; }
};

/// The part of a simulated thread a kernel sees. The runtime's thread state
/// derives from it.
struct Thread {
  UInt3 threadIdx;
  UInt3 blockIdx;
  Dim3 blockDim;
  Dim3 gridDim;
  unsigned linear = 0; ///< threadIdx.x + blockDim.x * (y + blockDim.y * z)
  unsigned warp = 0;   ///< linear / 32
  unsigned lane = 0;   ///< linear % 32
};

/// How a checked access uses memory.
enum AccessKind : int {
  kRead = 0,
  kWrite = 1,
  kAtomic = 2, ///< a read-modify-write: bounds-checked, not race-tracked
};

/// Which memory a checked access claims to touch.
enum AccessSpace : int {
  kAnySpace = 0, ///< a generic pointer (ds::gptr / ds::sptr dereference)
  kGlobal = 1,   ///< ds::ld_global / st_global / __ldg
  kShared = 2,   ///< ds::ld_shared / st_shared
};

/// The largest value one lane may contribute to a warp collective.
inline constexpr size_t kMaxWarpBytes = 128;

/// The runtime's entry points. Every function that can switch threads (a
/// barrier, a warp collective, `yield`, and `access` when the schedule
/// switches every N accesses) returns on the same fiber it was called from;
/// `hazard` and any check that fails never return (the launch is abandoned
/// and its status reports the hazard).
struct Api {
  uint32_t version;
  /// Checks `bytes` at `addr` (bounds, read-only buffers, shared races).
  void (*access)(Thread *self, const void *addr, size_t bytes, int kind,
                 int space);
  /// bar.sync `id`, `count` threads (`count` 0: the whole block, which is
  /// `__syncthreads`). `what` names the call for messages.
  void (*barrier)(Thread *self, unsigned id, unsigned count, const char *what,
                  const char *file, int line);
  /// A warp collective over the lanes of `mask`: deposits `bytes` from `in`
  /// and, once every lane of `mask` has arrived, writes the 32 lanes'
  /// values to `out` (32 * bytes; lanes outside `mask` are left as they
  /// are). `bytes` may be 0 (__syncwarp).
  void (*warp)(Thread *self, unsigned mask, const char *what, const void *in,
               size_t bytes, void *out, const char *file, int line);
  /// The block's storage for the static shared declaration `tag` (one
  /// address per declaration and instantiation).
  void *(*staticShared)(Thread *self, const void *tag, size_t bytes,
                        size_t align, const char *name);
  /// The block's dynamic shared memory (`extern __shared__`).
  void *(*dynamicShared)(Thread *self, size_t *bytes);
  /// A switch point (after an atomic, a fence).
  void (*yield)(Thread *self);
  /// Reports a hazard the kernel-side code found (a shuffle reading an
  /// inactive lane); never returns.
  void (*hazard)(Thread *self, const char *message, const char *file, int line);
};

/// The form of a kernel entry the launcher calls, once per thread, on the
/// thread's fiber: `params` is the CUDA-style parameter array (params[i]
/// points at the i-th argument).
using EntryFn = void (*)(void **params, Thread *self, const Api *api);

namespace detail {

/// The thread running now and the runtime, per OS thread. Every call into
/// the runtime that may switch fibers restores them on return
/// (cuda_sim.h's Resume), so each fiber sees its own.
inline thread_local Thread *tlsThread = nullptr;
inline thread_local const Api *tlsApi = nullptr;

/// The parameter at `p` (memcpy: no alignment or aliasing assumptions).
template <class T> inline T paramAt(void *p) {
  T v;
  std::memcpy(static_cast<void *>(&v), p, sizeof(T));
  return v;
}

/// Calls `fn` with the arguments of a CUDA parameter array.
template <class... A, size_t... I>
inline void invokeWith(void (*fn)(A...), void **params,
                       std::index_sequence<I...>) {
  static_assert((std::is_trivially_copyable<std::remove_cv_t<A>>::value && ...),
                "kernel parameters are plain data");
  (void)params;
  fn(paramAt<std::remove_cv_t<A>>(params[I])...);
}

/// The body of an entry: runs `fn` as `self` on the calling fiber.
template <class... A>
inline void runEntry(void (*fn)(A...), void **params, Thread *self,
                     const Api *api) {
  tlsThread = self;
  tlsApi = api;
  invokeWith(fn, params, std::index_sequence_for<A...>{});
}

} // namespace detail

} // namespace sim
} // namespace ds

#endif // DS_SIM_ABI_H
