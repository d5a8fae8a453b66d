//===- ds/sim/cuda_device.h - the device side of cuda_sim.h -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// What ds/sim/cuda_sim.h is under a CUDA compiler (NVRTC, nvcc): plain CUDA
// for the names the device library writes once for both the GPU and the sim
// (gptr, sptr, DS_SHARED, ...). Self-contained sources (design §6) inline
// this file and include ds/sim/cuda_sim.h only for the sim.
//
//===----------------------------------------------------------------------===//

#ifndef DS_SIM_CUDA_DEVICE_H
#define DS_SIM_CUDA_DEVICE_H

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#if defined(__CUDACC_RTC__)
// NVRTC has no C library: the fixed-width integers of <cstdint>.
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long long int64_t;
typedef unsigned long long uint64_t;
#else
#include <cstdint>
#endif

namespace ds {
template <class T> using gptr = T *;
template <class T> using sptr = T *;
template <class T> __device__ __forceinline__ T *raw(T *p) { return p; }
template <class U, class T> __device__ __forceinline__ U *ptr_cast(T *p) {
  return reinterpret_cast<U *>(p);
}
template <class T> __device__ __forceinline__ T ld_global(const T *p) {
  return *p;
}
template <class T> __device__ __forceinline__ void st_global(T *p, T v) {
  *p = v;
}
template <class T> __device__ __forceinline__ T ld_shared(const T *p) {
  return *p;
}
template <class T> __device__ __forceinline__ void st_shared(T *p, T v) {
  *p = v;
}
/// bar.sync id, count: the named barrier `id` (1..15; 0 is __syncthreads)
/// for `count` threads (a multiple of 32).
__device__ __forceinline__ void bar_sync(unsigned id, unsigned count) {
  asm volatile("bar.sync %0, %1;" ::"r"(id), "r"(count) : "memory");
}
} // namespace ds

#define DS_SHARED(T, name, count)                                              \
  __shared__ __align__(16) T ds_shared_##name[(count)];                        \
  T *name = ds_shared_##name
#define DS_DYNAMIC_SHARED(T, name)                                             \
  extern __shared__ __align__(16) unsigned char ds_dynamic_shared[];           \
  T *name = reinterpret_cast<T *>(ds_dynamic_shared)
#define DS_SIM_EXPORT(name)

#endif // DS_SIM_CUDA_DEVICE_H
