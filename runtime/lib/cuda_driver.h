//===- cuda_driver.h - the CUDA driver API, loaded at run time --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7: the runtime builds and starts without a CUDA driver and says
// so. The driver (libcuda.so.1) is opened with dlopen on first use; no CUDA
// header or library is needed to build this. The entry points are the few
// the runtime calls, declared with the driver ABI's plain C types.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_CUDA_DRIVER_H
#define DS_RUNTIME_LIB_CUDA_DRIVER_H

#include "ds/status.h"

#include <string>
#include <vector>

namespace ds::cuda {

/// One GPU the driver reports.
struct GpuInfo {
  int ordinal = 0;
  std::string name;
  int major = 0; ///< compute capability
  int minor = 0;
  size_t memoryBytes = 0;
};

/// The driver's GPUs, or an error saying why there are none: no
/// libcuda.so.1 (the dlerror), an entry point missing, cuInit failing
/// (CUDA_ERROR_NO_DEVICE, ...), or zero devices.
Expected<std::vector<GpuInfo>> gpus();

/// "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)" for a CUresult
/// of the loaded driver; the number when the driver cannot name it.
std::string errorText(int result);

} // namespace ds::cuda

#endif // DS_RUNTIME_LIB_CUDA_DRIVER_H
