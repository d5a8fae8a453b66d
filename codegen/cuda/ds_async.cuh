//===- ds_async.cuh - cp.async: global-to-shared copies ------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7a: the Ampere-style asynchronous copy, inline PTX under
// __CUDA_ARCH__ and, for the sim, an implementation of its completion rules.
//
//   cp_async<kBytes>(dst, src, srcBytes)
//       cp.async.{cg,ca}.shared.global [dst], [src], kBytes, srcBytes:
//       copies srcBytes (0 .. kBytes) bytes and zero-fills the rest of the
//       kBytes (4, 8 or 16; 16 uses .cg, which bypasses L1). srcBytes 0
//       reads nothing, so an out-of-range tile row is a zero row.
//   cp_async_commit()   cp.async.commit_group: closes the thread's group.
//   cp_async_wait<N>()  cp.async.wait_group N: waits until at most N of the
//                       thread's committed groups are pending.
//   cp_async_wait_all() cp.async.wait_all (commit, then wait_group 0).
//
// The PTX rules the sim keeps: a copy is complete, and its shared bytes
// written, only when a wait_group retires its group (a copy not yet in a
// committed group is retired by no wait_group; cp_async_wait_all commits
// it first); the bytes are visible to other threads only after a barrier
// that follows the wait. On a GPU the bytes may land at any moment between
// the issue and the wait, so the sim writes the destination twice, as the
// issuing thread: at issue it fills it with 0xFF (a NaN in every float
// type) and at the wait that retires the group it stores the copied bytes.
// It reads the global bytes at issue (bounds-checked there, so a hazard
// names the issuing line). Hence:
//   - a thread that reads its own tile before waiting reads 0xFF bytes;
//   - issuing into bytes another thread read (or wrote) with no barrier in
//     between (a stage refilled before everyone is done with it) is a
//     shared-memory race at the issue;
//   - another thread reading the tile before the issuer's wait and a
//     following barrier is a race (at its read, or at the issuer's wait).
// A thread that issues copies in one CTA and never waits for them loses
// them (on a GPU they would land unobserved). A launch that ends with a
// hazard leaves its threads' copies pending: call
// async_detail::forgetPendingCopies() before the next launch on that OS
// thread (the sim runtime has no hook for it yet).
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DS_ASYNC_CUH
#define DS_CODEGEN_CUDA_DS_ASYNC_CUH

#include "ds/sim/cuda_sim.h"

#if defined(__CUDACC__)

namespace ds {

template <int kBytes>
__device__ __forceinline__ void cp_async(void *dst, const void *src,
                                         int srcBytes) {
  static_assert(kBytes == 4 || kBytes == 8 || kBytes == 16,
                "cp.async copies 4, 8 or 16 bytes");
  unsigned d = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  if constexpr (kBytes == 16)
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(d),
                 "l"(src), "r"(srcBytes)
                 : "memory");
  else
    asm volatile("cp.async.ca.shared.global [%0], [%1], %2, %3;" ::"r"(d),
                 "l"(src), "n"(kBytes), "r"(srcBytes)
                 : "memory");
}

__device__ __forceinline__ void cp_async_commit() {
  asm volatile("cp.async.commit_group;" ::: "memory");
}

template <int N> __device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;" ::"n"(N) : "memory");
}

__device__ __forceinline__ void cp_async_wait_all() {
  asm volatile("cp.async.wait_all;" ::: "memory");
}

} // namespace ds

#else // the sim

#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace ds {
namespace async_detail {

/// What a destination holds between the issue and the wait.
constexpr unsigned char kPendingByte = 0xff;

struct Copy {
  unsigned char *dst;
  unsigned char bytes[16];
  int size;
};

/// One simulated thread's copies: the open group and the committed ones,
/// oldest first.
struct Pending {
  sim::UInt3 block;
  std::vector<Copy> open;
  std::vector<std::vector<Copy>> groups;
};

/// Per OS thread (a sim Device runs on one), keyed by the simulated thread.
inline std::unordered_map<const sim::Thread *, Pending> &pendingCopies() {
  static thread_local std::unordered_map<const sim::Thread *, Pending> map;
  return map;
}

/// Drops every pending copy of this OS thread's simulated threads. A launch
/// that ends with a hazard abandons its threads with their copies pending,
/// and the next launch's threads may have the same Thread slots and block
/// indices (and its shared memory the same address): call it after such a
/// launch (the launcher does not know about cp.async).
inline void forgetPendingCopies() { pendingCopies().clear(); }

/// The calling thread's state; state left by a thread of another CTA that
/// had the same slot is dropped.
inline Pending &mine() {
  const sim::Thread *self = sim::detail::tlsThread;
  Pending &p = pendingCopies()[self];
  sim::UInt3 block = blockIdx;
  if (p.block.x != block.x || p.block.y != block.y || p.block.z != block.z) {
    p = Pending{};
    p.block = block;
  }
  return p;
}

inline void retire(std::vector<Copy> &group) {
  for (Copy &c : group) {
    sim::detail::check(c.dst, static_cast<size_t>(c.size), sim::kWrite,
                       sim::kShared);
    std::memcpy(c.dst, c.bytes, static_cast<size_t>(c.size));
  }
}

} // namespace async_detail

template <int kBytes>
inline void cp_async(sptr<void> dst, gptr<const void> src, int srcBytes,
                     const char *file = __builtin_FILE(),
                     int line = __builtin_LINE()) {
  static_assert(kBytes == 4 || kBytes == 8 || kBytes == 16,
                "cp.async copies 4, 8 or 16 bytes");
  unsigned char *d = static_cast<unsigned char *>(raw(dst));
  if (reinterpret_cast<uintptr_t>(d) % kBytes != 0 ||
      reinterpret_cast<uintptr_t>(raw(src)) % kBytes != 0)
    sim::detail::hazard("cp.async: a misaligned shared or global address", file,
                        line);
  if (srcBytes < 0 || srcBytes > kBytes)
    sim::detail::hazard("cp.async: src-size outside 0 .. cp-size", file, line);
  // The destination is written from the issue on (see the header).
  sim::detail::check(d, static_cast<size_t>(kBytes), sim::kWrite, sim::kShared);
  std::memset(d, async_detail::kPendingByte, static_cast<size_t>(kBytes));
  async_detail::Copy c{};
  c.dst = d;
  c.size = kBytes;
  if (srcBytes > 0) {
    sim::detail::check(raw(src), static_cast<size_t>(srcBytes), sim::kRead,
                       sim::kGlobal);
    std::memcpy(c.bytes, raw(src), static_cast<size_t>(srcBytes));
  }
  async_detail::mine().open.push_back(c);
}

inline void cp_async_commit() {
  async_detail::Pending &p = async_detail::mine();
  p.groups.push_back(std::move(p.open));
  p.open.clear();
}

template <int N> inline void cp_async_wait() {
  static_assert(N >= 0, "wait_group takes a count");
  async_detail::Pending &p = async_detail::mine();
  while (p.groups.size() > static_cast<size_t>(N)) {
    async_detail::retire(p.groups.front());
    p.groups.erase(p.groups.begin());
  }
  sim::detail::yield();
}

/// cp.async.wait_all: commit_group, then wait_group 0.
inline void cp_async_wait_all() {
  cp_async_commit();
  cp_async_wait<0>();
}

} // namespace ds

#endif // __CUDACC__

#endif // DS_CODEGEN_CUDA_DS_ASYNC_CUH
