//===- cuda_sim.h - One kernel source for NVRTC and the host ----*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// The header every ds kernel source includes. Under a CUDA compiler
// (`__CUDACC__`: NVRTC, nvcc) it only adds the `ds::` helpers the one-source
// rules need (they are plain CUDA there). Under the host compiler it is the
// sim's CUDA execution model: `__global__`, `threadIdx` & co. (per fiber),
// barriers, warp shuffles and votes, atomics, bf16/f16 types, fast-math
// intrinsics, all running on the sim's fibers with hazard checks
// (runtime/sim/README.md).
//
// The one-source rules (runtime/sim/README.md has the details):
//   - static shared arrays: DS_SHARED(T, name, count), dynamic ones
//     DS_DYNAMIC_SHARED(T, name); a bare `__shared__` is a compile error in
//     the sim;
//   - global pointers that must be checked are ds::gptr<T> (T* on the
//     device) or go through ds::ld_global / ds::st_global;
//   - pointer casts of such pointers: ds::ptr_cast<U>(p); their raw address:
//     ds::raw(p);
//   - every `extern "C" __global__` entry is followed by DS_SIM_EXPORT(name).
//
//===----------------------------------------------------------------------===//

#ifndef DS_SIM_CUDA_SIM_H
#define DS_SIM_CUDA_SIM_H

#if defined(__CUDACC__)

#include "ds/sim/cuda_device.h"

#else
//===- The host side: the sim's execution model
//----------------------------===//

#include "ds/sim/abi.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
#define __restrict__
#define __align__(n) alignas(n)
// A bare __shared__ would be one array for every block (and unchecked):
// kernels declare shared memory with DS_SHARED / DS_DYNAMIC_SHARED.
#define __shared__                                                             \
  _Pragma("GCC error \"ds sim: declare shared memory with DS_SHARED(type, "    \
          "name, count) or DS_DYNAMIC_SHARED(type, name), not __shared__\"")

using dim3 = ::ds::sim::Dim3;
using uint3 = ::ds::sim::UInt3;

namespace ds {
namespace sim {
namespace detail {

/// Restores this fiber's thread after a call that may switch fibers.
struct Resume {
  Thread *self = tlsThread;
  const Api *api = tlsApi;
  ~Resume() {
    tlsThread = self;
    tlsApi = api;
  }
};

inline void check(const void *p, size_t bytes, int kind, int space) {
  Resume r;
  r.api->access(r.self, p, bytes, kind, space);
}

template <class T> inline std::remove_cv_t<T> load(const T *p, int space) {
  check(p, sizeof(T), kRead, space);
  std::remove_cv_t<T> v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <class T> inline void store(T *p, const T &v, int space) {
  static_assert(!std::is_const<T>::value, "store through a const pointer");
  check(p, sizeof(T), kWrite, space);
  std::memcpy(p, &v, sizeof(T));
}

[[noreturn]] inline void hazard(const char *message, const char *file,
                                int line) {
  Resume r;
  r.api->hazard(r.self, message, file, line);
  __builtin_unreachable();
}

inline void yield() {
  Resume r;
  r.api->yield(r.self);
}

} // namespace detail

template <class T> class Ptr;

/// An element behind a checked pointer: reads and writes go through the
/// sim's checks.
template <class T> class Ref {
public:
  using Value = std::remove_cv_t<T>;
  explicit Ref(T *p) : P(p) {}
  operator Value() const { return detail::load(P, kAnySpace); }
  Ref &operator=(const Value &v) {
    detail::store(P, v, kAnySpace);
    return *this;
  }
  Ref &operator=(const Ref &o) { return *this = Value(o); }
#define DS_SIM_REF_OP(op)                                                      \
  template <class U> Ref &operator op##=(const U &v) {                         \
    Value x = *this;                                                           \
    x op## = v;                                                                \
    return *this = x;                                                          \
  }
  DS_SIM_REF_OP(+)
  DS_SIM_REF_OP(-)
  DS_SIM_REF_OP(*)
  DS_SIM_REF_OP(/)
  DS_SIM_REF_OP(%)
  DS_SIM_REF_OP(&)
  DS_SIM_REF_OP(|)
  DS_SIM_REF_OP(^)
  DS_SIM_REF_OP(<<)
  DS_SIM_REF_OP(>>)
#undef DS_SIM_REF_OP
  Ref &operator++() { return *this += 1; }
  Ref &operator--() { return *this -= 1; }
  Value operator++(int) {
    Value old = *this;
    *this = Value(old + 1);
    return old;
  }
  Value operator--(int) {
    Value old = *this;
    *this = Value(old - 1);
    return old;
  }
  /// `&p[i]` is a checked pointer again.
  Ptr<T> operator&() const { return Ptr<T>(P); }

private:
  T *P;
};

/// A checked pointer: what ds::gptr<T> and ds::sptr<T> are in the sim (T*
/// on the device). Same size and layout as T*, so a kernel parameter of this
/// type is read from a CUDA parameter array holding a T*.
template <class T> class Ptr {
public:
  Ptr() = default;
  Ptr(std::nullptr_t) {}
  Ptr(T *p) : P(p) {}
  template <class U,
            class = std::enable_if_t<std::is_convertible<U *, T *>::value>>
  Ptr(Ptr<U> o) : P(o.get()) {}

  T *get() const { return P; }
  explicit operator bool() const { return P != nullptr; }

  Ref<T> operator*() const { return Ref<T>(P); }
  Ref<T> operator[](ptrdiff_t i) const { return Ref<T>(P + i); }
  Ptr operator+(ptrdiff_t i) const { return Ptr(P + i); }
  Ptr operator-(ptrdiff_t i) const { return Ptr(P - i); }
  ptrdiff_t operator-(Ptr o) const { return P - o.P; }
  Ptr &operator+=(ptrdiff_t i) {
    P += i;
    return *this;
  }
  Ptr &operator-=(ptrdiff_t i) {
    P -= i;
    return *this;
  }
  Ptr &operator++() {
    ++P;
    return *this;
  }
  Ptr &operator--() {
    --P;
    return *this;
  }
  Ptr operator++(int) { return Ptr(P++); }
  Ptr operator--(int) { return Ptr(P--); }
  friend bool operator==(Ptr a, Ptr b) { return a.P == b.P; }
  friend bool operator!=(Ptr a, Ptr b) { return a.P != b.P; }
  friend bool operator<(Ptr a, Ptr b) { return a.P < b.P; }

private:
  T *P = nullptr;
};
static_assert(sizeof(Ptr<float>) == sizeof(float *), "Ptr is a T*");

/// The 32 lanes' values of a warp exchange; `mask` says which lanes took
/// part (the others' entries are value-initialized).
template <class T> struct WarpValues {
  T value[32];
  unsigned mask;
};

/// The warp-collective exchange every warp-level primitive is built on
/// (shuffles, votes, and later ldmatrix / mma.sync fragments): each lane of
/// `mask` calls it with its `value`; it returns once all of them have, and
/// then every lane holds every participating lane's value. All lanes of
/// `mask` must call the same collective (`what`) with the same mask; a lane
/// not in `mask`, a lane of `mask` that exits or calls another collective,
/// or one that never comes, is a hazard (or a deadlock). T is trivially
/// copyable, at most kMaxWarpBytes.
template <class T>
inline WarpValues<T> warpExchange(unsigned mask, const T &value,
                                  const char *what = "ds::sim::warpExchange",
                                  const char *file = __builtin_FILE(),
                                  int line = __builtin_LINE()) {
  static_assert(std::is_trivially_copyable<T>::value, "plain data only");
  static_assert(sizeof(T) <= kMaxWarpBytes, "too large for a warp exchange");
  WarpValues<T> out{};
  out.mask = mask;
  detail::Resume r;
  r.api->warp(r.self, mask, what, &value, sizeof(T), out.value, file, line);
  return out;
}

/// The calling thread's lane.
inline unsigned laneId() { return detail::tlsThread->lane; }

} // namespace sim

//===- The one-source helpers
//----------------------------------------------===//

template <class T> using gptr = sim::Ptr<T>;
template <class T> using sptr = sim::Ptr<T>;
template <class T> inline T *raw(T *p) { return p; }
template <class T> inline T *raw(sim::Ptr<T> p) { return p.get(); }
template <class U, class T> inline U *ptr_cast(T *p) {
  return reinterpret_cast<U *>(p);
}
template <class U, class T> inline sim::Ptr<U> ptr_cast(sim::Ptr<T> p) {
  return sim::Ptr<U>(reinterpret_cast<U *>(p.get()));
}
template <class T> inline std::remove_cv_t<T> ld_global(const T *p) {
  return sim::detail::load(p, sim::kGlobal);
}
template <class T> inline std::remove_cv_t<T> ld_global(sim::Ptr<T> p) {
  return sim::detail::load(p.get(), sim::kGlobal);
}
template <class T> inline void st_global(T *p, std::remove_cv_t<T> v) {
  sim::detail::store(p, v, sim::kGlobal);
}
template <class T> inline void st_global(sim::Ptr<T> p, std::remove_cv_t<T> v) {
  sim::detail::store(p.get(), v, sim::kGlobal);
}
template <class T> inline std::remove_cv_t<T> ld_shared(const T *p) {
  return sim::detail::load(p, sim::kShared);
}
template <class T> inline std::remove_cv_t<T> ld_shared(sim::Ptr<T> p) {
  return sim::detail::load(p.get(), sim::kShared);
}
template <class T> inline void st_shared(T *p, std::remove_cv_t<T> v) {
  sim::detail::store(p, v, sim::kShared);
}
template <class T> inline void st_shared(sim::Ptr<T> p, std::remove_cv_t<T> v) {
  sim::detail::store(p.get(), v, sim::kShared);
}

/// bar.sync id, count (id 1..15; 0 is __syncthreads's barrier).
inline void bar_sync(unsigned id, unsigned count,
                     const char *file = __builtin_FILE(),
                     int line = __builtin_LINE()) {
  sim::detail::Resume r;
  r.api->barrier(r.self, id, count, "ds::bar_sync", file, line);
}

} // namespace ds

namespace ds {
namespace sim {
namespace detail {
template <class T>
inline T *staticShared(const void *tag, size_t count, const char *name) {
  Resume r;
  return static_cast<T *>(
      r.api->staticShared(r.self, tag, count * sizeof(T), alignof(T), name));
}
template <class T> inline T *dynamicShared() {
  Resume r;
  size_t bytes = 0;
  return static_cast<T *>(r.api->dynamicShared(r.self, &bytes));
}

} // namespace detail
} // namespace sim
} // namespace ds

#define DS_SHARED(T, name, count)                                              \
  static constexpr char ds_shared_tag_##name = 0;                              \
  ::ds::sim::Ptr<T> name = ::ds::sim::detail::staticShared<T>(                 \
      &ds_shared_tag_##name, (count), #name)
#define DS_DYNAMIC_SHARED(T, name)                                             \
  ::ds::sim::Ptr<T> name = ::ds::sim::detail::dynamicShared<T>()
/// The sim's entry point of the kernel `name` in a kernel library:
/// `ds_sim_entry_<name>`, an ds::sim::EntryFn.
#define DS_SIM_EXPORT(name)                                                    \
  extern "C" __attribute__((visibility("default"))) void ds_sim_entry_##name(  \
      void **params, ::ds::sim::Thread *self, const ::ds::sim::Api *api) {     \
    ::ds::sim::detail::runEntry(&name, params, self, api);                     \
  }

#define threadIdx (::ds::sim::detail::tlsThread->threadIdx)
#define blockIdx (::ds::sim::detail::tlsThread->blockIdx)
#define blockDim (::ds::sim::detail::tlsThread->blockDim)
#define gridDim (::ds::sim::detail::tlsThread->gridDim)
constexpr int warpSize = 32;

//===- Barriers, fences --------------------------------------------------===//

inline void __syncthreads(const char *file = __builtin_FILE(),
                          int line = __builtin_LINE()) {
  ::ds::sim::detail::Resume r;
  r.api->barrier(r.self, 0, 0, "__syncthreads", file, line);
}
inline void __threadfence() { ::ds::sim::detail::yield(); }
inline void __threadfence_block() { ::ds::sim::detail::yield(); }

//===- Warp collectives --------------------------------------------------===//

inline void __syncwarp(unsigned mask = 0xffffffffu,
                       const char *file = __builtin_FILE(),
                       int line = __builtin_LINE()) {
  ::ds::sim::detail::Resume r;
  r.api->warp(r.self, mask, "__syncwarp", nullptr, 0, nullptr, file, line);
}

namespace ds {
namespace sim {
namespace detail {
/// A shuffle reads lane `src` of the exchange (`own` when the source is
/// outside the caller's width segment); reading a lane outside `mask` is
/// a hazard (CUDA leaves the value undefined).
template <class T>
inline T shuffle(unsigned mask, T v, int src, bool own, const char *what,
                 const char *file, int line) {
  WarpValues<T> all = warpExchange(mask, v, what, file, line);
  if (own)
    return v;
  if (!(mask >> src & 1u)) {
    char msg[160];
    std::snprintf(msg, sizeof msg,
                  "%s: reads lane %d, which is not in mask 0x%08x", what, src,
                  mask);
    hazard(msg, file, line);
  }
  return all.value[src];
}
} // namespace detail
} // namespace sim
} // namespace ds

#define DS_SIM_SHUFFLES(T)                                                     \
  inline T __shfl_sync(unsigned mask, T v, int src, int width = 32,            \
                       const char *file = __builtin_FILE(),                    \
                       int line = __builtin_LINE()) {                          \
    unsigned lane = ::ds::sim::laneId();                                       \
    int base = int(lane) & ~(width - 1);                                       \
    return ::ds::sim::detail::shuffle<T>(mask, v, base + (src & (width - 1)),  \
                                         false, "__shfl_sync", file, line);    \
  }                                                                            \
  inline T __shfl_xor_sync(unsigned mask, T v, int laneMask, int width = 32,   \
                           const char *file = __builtin_FILE(),                \
                           int line = __builtin_LINE()) {                      \
    int lane = int(::ds::sim::laneId());                                       \
    int src = lane ^ laneMask;                                                 \
    bool own = src >= ((lane / width) + 1) * width || src > 31;                \
    return ::ds::sim::detail::shuffle<T>(mask, v, own ? lane : src, own,       \
                                         "__shfl_xor_sync", file, line);       \
  }                                                                            \
  inline T __shfl_down_sync(                                                   \
      unsigned mask, T v, unsigned delta, int width = 32,                      \
      const char *file = __builtin_FILE(), int line = __builtin_LINE()) {      \
    int lane = int(::ds::sim::laneId());                                       \
    int src = lane + int(delta);                                               \
    bool own = src >= ((lane / width) + 1) * width;                            \
    return ::ds::sim::detail::shuffle<T>(mask, v, own ? lane : src, own,       \
                                         "__shfl_down_sync", file, line);      \
  }                                                                            \
  inline T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = 32,  \
                          const char *file = __builtin_FILE(),                 \
                          int line = __builtin_LINE()) {                       \
    int lane = int(::ds::sim::laneId());                                       \
    int src = lane - int(delta);                                               \
    bool own = src < (lane / width) * width;                                   \
    return ::ds::sim::detail::shuffle<T>(mask, v, own ? lane : src, own,       \
                                         "__shfl_up_sync", file, line);        \
  }
DS_SIM_SHUFFLES(int)
DS_SIM_SHUFFLES(unsigned)
DS_SIM_SHUFFLES(long long)
DS_SIM_SHUFFLES(unsigned long long)
DS_SIM_SHUFFLES(float)
DS_SIM_SHUFFLES(double)
#undef DS_SIM_SHUFFLES

inline unsigned __ballot_sync(unsigned mask, int pred,
                              const char *file = __builtin_FILE(),
                              int line = __builtin_LINE()) {
  int p = pred != 0;
  auto all = ::ds::sim::warpExchange(mask, p, "__ballot_sync", file, line);
  unsigned bits = 0;
  for (int l = 0; l < 32; ++l)
    if ((mask >> l & 1u) && all.value[l])
      bits |= 1u << l;
  return bits;
}
inline int __any_sync(unsigned mask, int pred,
                      const char *file = __builtin_FILE(),
                      int line = __builtin_LINE()) {
  int p = pred != 0;
  auto all = ::ds::sim::warpExchange(mask, p, "__any_sync", file, line);
  for (int l = 0; l < 32; ++l)
    if ((mask >> l & 1u) && all.value[l])
      return 1;
  return 0;
}
inline int __all_sync(unsigned mask, int pred,
                      const char *file = __builtin_FILE(),
                      int line = __builtin_LINE()) {
  int p = pred != 0;
  auto all = ::ds::sim::warpExchange(mask, p, "__all_sync", file, line);
  for (int l = 0; l < 32; ++l)
    if ((mask >> l & 1u) && !all.value[l])
      return 0;
  return 1;
}
inline unsigned __activemask() { return 0xffffffffu; }

//===- Atomics (a switch point each; bounds-checked, not race-tracked) ----===//

namespace ds {
namespace sim {
namespace detail {
template <class T, class F> inline T atomicRmw(T *p, F f) {
  check(p, sizeof(T), kAtomic, kAnySpace);
  T old;
  std::memcpy(&old, p, sizeof(T));
  T v = f(old);
  std::memcpy(p, &v, sizeof(T));
  yield();
  return old;
}
} // namespace detail
} // namespace sim
} // namespace ds

#define DS_SIM_ATOMIC(name, T, expr)                                           \
  inline T name(T *p, T v) {                                                   \
    return ::ds::sim::detail::atomicRmw(p, [&](T old) -> T {                   \
      (void)old;                                                               \
      return expr;                                                             \
    });                                                                        \
  }                                                                            \
  inline T name(::ds::sim::Ptr<T> p, T v) { return name(p.get(), v); }
DS_SIM_ATOMIC(atomicAdd, int, old + v)
DS_SIM_ATOMIC(atomicAdd, unsigned, old + v)
DS_SIM_ATOMIC(atomicAdd, unsigned long long, old + v)
DS_SIM_ATOMIC(atomicAdd, float, old + v)
DS_SIM_ATOMIC(atomicAdd, double, old + v)
DS_SIM_ATOMIC(atomicSub, int, old - v)
DS_SIM_ATOMIC(atomicSub, unsigned, old - v)
DS_SIM_ATOMIC(atomicMax, int, old > v ? old : v)
DS_SIM_ATOMIC(atomicMax, unsigned, old > v ? old : v)
DS_SIM_ATOMIC(atomicMax, long long, old > v ? old : v)
DS_SIM_ATOMIC(atomicMax, unsigned long long, old > v ? old : v)
DS_SIM_ATOMIC(atomicMin, int, old < v ? old : v)
DS_SIM_ATOMIC(atomicMin, unsigned, old < v ? old : v)
DS_SIM_ATOMIC(atomicMin, long long, old < v ? old : v)
DS_SIM_ATOMIC(atomicMin, unsigned long long, old < v ? old : v)
DS_SIM_ATOMIC(atomicExch, int, v)
DS_SIM_ATOMIC(atomicExch, unsigned, v)
DS_SIM_ATOMIC(atomicExch, unsigned long long, v)
DS_SIM_ATOMIC(atomicExch, float, v)
DS_SIM_ATOMIC(atomicAnd, int, old &v)
DS_SIM_ATOMIC(atomicAnd, unsigned, old &v)
DS_SIM_ATOMIC(atomicOr, int, old | v)
DS_SIM_ATOMIC(atomicOr, unsigned, old | v)
DS_SIM_ATOMIC(atomicXor, int, old ^ v)
DS_SIM_ATOMIC(atomicXor, unsigned, old ^ v)
#undef DS_SIM_ATOMIC

#define DS_SIM_ATOMIC_CAS(T)                                                   \
  inline T atomicCAS(T *p, T compare, T v) {                                   \
    return ::ds::sim::detail::atomicRmw(                                       \
        p, [&](T old) -> T { return old == compare ? v : old; });              \
  }                                                                            \
  inline T atomicCAS(::ds::sim::Ptr<T> p, T compare, T v) {                    \
    return atomicCAS(p.get(), compare, v);                                     \
  }
DS_SIM_ATOMIC_CAS(int)
DS_SIM_ATOMIC_CAS(unsigned)
DS_SIM_ATOMIC_CAS(unsigned long long)
DS_SIM_ATOMIC_CAS(unsigned short)
#undef DS_SIM_ATOMIC_CAS

//===- Loads -------------------------------------------------------------===//

template <class T> inline std::remove_cv_t<T> __ldg(const T *p) {
  return ::ds::ld_global(p);
}
template <class T> inline std::remove_cv_t<T> __ldg(::ds::sim::Ptr<T> p) {
  return ::ds::ld_global(p);
}

//===- Vector types
//--------------------------------------------------------===//

#define DS_SIM_VEC2(T, N)                                                      \
  struct alignas(2 * sizeof(T)) N##2 {                                         \
    T x, y;                                                                    \
  };                                                                           \
  inline N##2 make_##N##2(T x, T y) { return N##2 {x, y}; }
#define DS_SIM_VEC4(T, N)                                                      \
  struct alignas(4 * sizeof(T)) N##4 {                                         \
    T x, y, z, w;                                                              \
  };                                                                           \
  inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4 {x, y, z, w}; }
DS_SIM_VEC2(float, float)
DS_SIM_VEC4(float, float)
DS_SIM_VEC2(int, int)
DS_SIM_VEC4(int, int)
DS_SIM_VEC2(unsigned, uint)
DS_SIM_VEC4(unsigned, uint)
#undef DS_SIM_VEC2
#undef DS_SIM_VEC4
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) {
  return uint3{x, y, z};
}

//===- Math and bit intrinsics (accurate host math) ----------------------===//

inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __sinf(float x) { return std::sin(x); }
inline float __cosf(float x) { return std::cos(x); }
inline float __powf(float x, float y) { return std::pow(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return std::sqrt(x); }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __saturatef(float x) {
  return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x);
}
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline float __int_as_float(int x) {
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}
inline int __float_as_int(float f) {
  int x;
  std::memcpy(&x, &f, 4);
  return x;
}
inline float __uint_as_float(unsigned x) {
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}
inline unsigned __float_as_uint(float f) {
  unsigned x;
  std::memcpy(&x, &f, 4);
  return x;
}
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(unsigned(x)); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline unsigned __brev(unsigned x) {
  unsigned r = 0;
  for (int i = 0; i < 32; ++i)
    r |= (x >> i & 1u) << (31 - i);
  return r;
}
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }

//===- bf16 and f16 (cuda_bf16.h / cuda_fp16.h names, round to nearest even)
//-===//

namespace ds {
namespace sim {
namespace detail {
inline unsigned short floatToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) // NaN: keep it quiet
    return static_cast<unsigned short>((u >> 16) | 0x40u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<unsigned short>(u >> 16);
}
inline float bf16ToFloat(unsigned short h) {
  uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline unsigned short floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) // inf, NaN
    return static_cast<unsigned short>(sign |
                                       (ax > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (ax >= 0x477ff000u) // rounds to inf (65520 and up)
    return static_cast<unsigned short>(sign | 0x7c00u);
  if (ax < 0x38800000u) { // below 2^-14: a subnormal half (or 2^-14)
    float af;
    std::memcpy(&af, &ax, 4);
    return static_cast<unsigned short>(
        sign | uint32_t(std::nearbyint(af * 16777216.0f)));
  }
  ax -= 0x38000000u; // rebias the exponent from 127 to 15
  ax += 0xfffu + ((ax >> 13) & 1u);
  return static_cast<unsigned short>(sign | (ax >> 13));
}
inline float halfToFloat(unsigned short h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu,
           m = h & 0x3ffu;
  float f;
  if (e == 0) {
    f = float(m) * (1.0f / 16777216.0f);
    return sign ? -f : f;
  }
  uint32_t u = e == 31 ? (sign | 0x7f800000u | (m << 13))
                       : (sign | ((e + 112u) << 23) | (m << 13));
  std::memcpy(&f, &u, 4);
  return f;
}
} // namespace detail
} // namespace sim
} // namespace ds

struct __nv_bfloat16 {
  unsigned short __x;
  __nv_bfloat16() = default;
  __nv_bfloat16(float f) : __x(::ds::sim::detail::floatToBf16(f)) {}
  operator float() const { return ::ds::sim::detail::bf16ToFloat(__x); }
};
struct __half {
  unsigned short __x;
  __half() = default;
  __half(float f) : __x(::ds::sim::detail::floatToHalf(f)) {}
  operator float() const { return ::ds::sim::detail::halfToFloat(__x); }
};
struct alignas(4) __nv_bfloat162 {
  __nv_bfloat16 x, y;
};
struct alignas(4) __half2 {
  __half x, y;
};
using nv_bfloat16 = __nv_bfloat16;
using nv_bfloat162 = __nv_bfloat162;
using half = __half;
using half2 = __half2;

inline __nv_bfloat16 __float2bfloat16(float f) { return __nv_bfloat16(f); }
inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __nv_bfloat16(f); }
inline float __bfloat162float(__nv_bfloat16 h) { return float(h); }
inline __half __float2half(float f) { return __half(f); }
inline __half __float2half_rn(float f) { return __half(f); }
inline float __half2float(__half h) { return float(h); }
inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) {
  return __nv_bfloat162{__nv_bfloat16(a), __nv_bfloat16(b)};
}
inline __half2 __floats2half2_rn(float a, float b) {
  return __half2{__half(a), __half(b)};
}
inline float2 __bfloat1622float2(__nv_bfloat162 v) {
  return float2{float(v.x), float(v.y)};
}
inline float2 __half22float2(__half2 v) {
  return float2{float(v.x), float(v.y)};
}
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 h) { return h.__x; }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short x) {
  __nv_bfloat16 h;
  h.__x = x;
  return h;
}
inline unsigned short __half_as_ushort(__half h) { return h.__x; }
inline __half __ushort_as_half(unsigned short x) {
  __half h;
  h.__x = x;
  return h;
}
#define DS_SIM_HALF_OPS(H)                                                     \
  inline H operator+(H a, H b) { return H(float(a) + float(b)); }              \
  inline H operator-(H a, H b) { return H(float(a) - float(b)); }              \
  inline H operator*(H a, H b) { return H(float(a) * float(b)); }              \
  inline H operator/(H a, H b) { return H(float(a) / float(b)); }              \
  inline bool operator==(H a, H b) { return float(a) == float(b); }            \
  inline bool operator<(H a, H b) { return float(a) < float(b); }
DS_SIM_HALF_OPS(__nv_bfloat16)
DS_SIM_HALF_OPS(__half)
#undef DS_SIM_HALF_OPS
inline __nv_bfloat16 __hadd(__nv_bfloat16 a, __nv_bfloat16 b) { return a + b; }
inline __nv_bfloat16 __hmul(__nv_bfloat16 a, __nv_bfloat16 b) { return a * b; }
inline __half __hadd(__half a, __half b) { return a + b; }
inline __half __hmul(__half a, __half b) { return a * b; }

#endif // __CUDACC__
#endif // DS_SIM_CUDA_SIM_H
