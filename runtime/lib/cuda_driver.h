//===- cuda_driver.h - the CUDA driver API, loaded at run time --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7: the runtime builds and starts without a CUDA driver and says
// so. The driver (libcuda.so.1) is opened with dlopen on first use; no CUDA
// header or library is needed to build this. The entry points are the few
// the runtime calls, declared here with the driver ABI's plain C types (the
// handles are opaque pointers, CUresult and CUdevice are ints, CUdeviceptr
// is a 64-bit integer) under the versioned names cuda.h maps them to
// (cuMemAlloc is cuMemAlloc_v2, ...).
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_CUDA_DRIVER_H
#define DS_RUNTIME_LIB_CUDA_DRIVER_H

#include "ds/status.h"

#include <cstddef>
#include <string>
#include <vector>

namespace ds::cuda {

//===----------------------------------------------------------------------===//
// The driver ABI (cuda.h), the part ds uses
//===----------------------------------------------------------------------===//

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
using CUcontext = CUctx_st *;
using CUmodule = CUmod_st *;
using CUfunction = CUfunc_st *;
using CUstream = CUstream_st *;
using CUevent = CUevent_st *;

inline constexpr CUresult kSuccess = 0;
inline constexpr CUresult kErrorOutOfMemory = 2;
inline constexpr CUresult kErrorInvalidImage = 200;
inline constexpr CUresult kErrorNoBinaryForGpu = 209;
inline constexpr CUresult kErrorUnsupportedPtxVersion = 222;

// CUdevice_attribute values.
inline constexpr int kAttrMultiprocessorCount = 16;
inline constexpr int kAttrComputeCapabilityMajor = 75;
inline constexpr int kAttrComputeCapabilityMinor = 76;
inline constexpr int kAttrMaxSharedMemoryPerBlockOptin = 97;
// CUfunction_attribute values.
inline constexpr int kFuncAttrMaxDynamicSharedSizeBytes = 8;
// Flags.
inline constexpr unsigned kStreamNonBlocking = 1;
inline constexpr unsigned kEventDefault = 0;

/// The driver's entry points ds calls.
struct Api {
  CUresult (*init)(unsigned);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetName)(char *, int, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*deviceTotalMem)(size_t *, CUdevice);
  CUresult (*getErrorName)(CUresult, const char **);
  CUresult (*getErrorString)(CUresult, const char **);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*primaryCtxRelease)(CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*ctxSynchronize)();
  CUresult (*memGetInfo)(size_t *, size_t *);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*memsetD8)(CUdeviceptr, unsigned char, size_t);
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*funcSetAttribute)(CUfunction, int, int);
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventDestroy)(CUevent);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
};

/// The loaded and initialized driver, or why there is none: no
/// libcuda.so.1 (the dlerror), an entry point missing (named), or cuInit
/// failing (CUDA_ERROR_NO_DEVICE, ...).
Expected<const Api *> driver();

//===----------------------------------------------------------------------===//
// Devices
//===----------------------------------------------------------------------===//

/// One GPU the driver reports.
struct GpuInfo {
  int ordinal = 0;
  CUdevice device = 0;
  std::string name;
  int major = 0; ///< compute capability
  int minor = 0;
  size_t memoryBytes = 0;
  int multiprocessors = 0;
  int maxSharedPerBlockOptin = 0; ///< bytes of shared memory a CTA may opt in
};

/// The driver's GPUs, or an error saying why there are none: driver()'s
/// reasons, or zero devices.
Expected<std::vector<GpuInfo>> gpus();

/// "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)" for a CUresult
/// of the loaded driver; the number when the driver cannot name it.
std::string errorText(int result);

} // namespace ds::cuda

#endif // DS_RUNTIME_LIB_CUDA_DRIVER_H
