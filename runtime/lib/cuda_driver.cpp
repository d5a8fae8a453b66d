//===- cuda_driver.cpp - the CUDA driver API, loaded at run time ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "cuda_driver.h"

#include <dlfcn.h>

#include <mutex>

namespace ds::cuda {
namespace {

// The driver ABI (cuda.h): CUresult is an int, CUdevice an int.
using CuInit = int (*)(unsigned);
using CuDeviceGetCount = int (*)(int *);
using CuDeviceGet = int (*)(int *, int);
using CuDeviceGetName = int (*)(char *, int, int);
using CuDeviceGetAttribute = int (*)(int *, int, int);
using CuDeviceTotalMem = int (*)(size_t *, int);
using CuGetErrorName = int (*)(int, const char **);
using CuGetErrorString = int (*)(int, const char **);

// CUdevice_attribute values (cuda.h).
constexpr int kComputeCapabilityMajor = 75;
constexpr int kComputeCapabilityMinor = 76;

struct Driver {
  std::string error; ///< why the driver is unusable; empty when loaded
  CuInit init = nullptr;
  CuDeviceGetCount deviceGetCount = nullptr;
  CuDeviceGet deviceGet = nullptr;
  CuDeviceGetName deviceGetName = nullptr;
  CuDeviceGetAttribute deviceGetAttribute = nullptr;
  CuDeviceTotalMem deviceTotalMem = nullptr;
  CuGetErrorName getErrorName = nullptr;
  CuGetErrorString getErrorString = nullptr;
  int initResult = 0;
};

template <typename Fn> bool resolve(void *lib, const char *name, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

const Driver &driver() {
  static Driver d;
  static std::once_flag once;
  std::call_once(once, [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *why = dlerror();
      d.error = cat("no CUDA driver: ", why ? why : "libcuda.so.1 not found");
      return;
    }
    bool ok = resolve(lib, "cuInit", d.init) &&
              resolve(lib, "cuDeviceGetCount", d.deviceGetCount) &&
              resolve(lib, "cuDeviceGet", d.deviceGet) &&
              resolve(lib, "cuDeviceGetName", d.deviceGetName) &&
              resolve(lib, "cuDeviceGetAttribute", d.deviceGetAttribute) &&
              resolve(lib, "cuDeviceTotalMem_v2", d.deviceTotalMem) &&
              resolve(lib, "cuGetErrorName", d.getErrorName) &&
              resolve(lib, "cuGetErrorString", d.getErrorString);
    if (!ok) {
      d.error = "the CUDA driver libcuda.so.1 lacks an entry point ds needs "
                "(too old a driver?)";
      return;
    }
    d.initResult = d.init(0);
  });
  return d;
}

} // namespace

std::string errorText(int result) {
  const Driver &d = driver();
  const char *name = nullptr, *text = nullptr;
  if (d.getErrorName && d.getErrorName(result, &name) == 0 && name) {
    if (d.getErrorString && d.getErrorString(result, &text) == 0 && text)
      return cat(name, " (", text, ")");
    return name;
  }
  return cat("CUresult ", result);
}

Expected<std::vector<GpuInfo>> gpus() {
  const Driver &d = driver();
  if (!d.error.empty())
    return Status::error(d.error);
  if (d.initResult != 0)
    return Status::error(cat("the CUDA driver does not start: cuInit: ",
                             errorText(d.initResult)));
  int count = 0;
  if (int r = d.deviceGetCount(&count); r != 0)
    return Status::error(cat("cuDeviceGetCount: ", errorText(r)));
  if (count == 0)
    return Status::error("the CUDA driver reports no GPU");
  std::vector<GpuInfo> out;
  for (int i = 0; i < count; ++i) {
    int device = 0;
    if (int r = d.deviceGet(&device, i); r != 0)
      return Status::error(cat("cuDeviceGet(", i, "): ", errorText(r)));
    GpuInfo info;
    info.ordinal = i;
    char name[256] = {};
    if (d.deviceGetName(name, sizeof name - 1, device) == 0)
      info.name = name;
    d.deviceGetAttribute(&info.major, kComputeCapabilityMajor, device);
    d.deviceGetAttribute(&info.minor, kComputeCapabilityMinor, device);
    d.deviceTotalMem(&info.memoryBytes, device);
    out.push_back(std::move(info));
  }
  return out;
}

} // namespace ds::cuda
