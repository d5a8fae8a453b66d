//===- cuda_driver.cpp - the CUDA driver API, loaded at run time ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// libcuda.so.1 is opened once (dlopen, RTLD_LOCAL) and each entry point of
// cuda::Api resolved under the name cuda.h maps it to; cuInit(0) runs once.
// Every failure is remembered as text and returned by each later call.
//
//===----------------------------------------------------------------------===//

#include "cuda_driver.h"

#include <dlfcn.h>

#include <mutex>

namespace ds::cuda {
namespace {

struct LoadedDriver {
  Api api{};
  std::string error;  ///< why the driver is unusable; empty when loaded
  bool named = false; ///< getErrorName/getErrorString resolved
};

/// Resolves the first of `names` that the library exports into `fn`.
template <typename Fn>
bool resolve(void *lib, std::initializer_list<const char *> names, Fn &fn,
             std::string &missing) {
  for (const char *name : names)
    if (void *p = dlsym(lib, name)) {
      fn = reinterpret_cast<Fn>(p);
      return true;
    }
  missing = *names.begin();
  return false;
}

bool resolveAll(void *lib, Api &a, std::string &missing) {
  return resolve(lib, {"cuInit"}, a.init, missing) &&
         resolve(lib, {"cuDeviceGetCount"}, a.deviceGetCount, missing) &&
         resolve(lib, {"cuDeviceGet"}, a.deviceGet, missing) &&
         resolve(lib, {"cuDeviceGetName"}, a.deviceGetName, missing) &&
         resolve(lib, {"cuDeviceGetAttribute"}, a.deviceGetAttribute,
                 missing) &&
         resolve(lib, {"cuDeviceTotalMem_v2"}, a.deviceTotalMem, missing) &&
         resolve(lib, {"cuDevicePrimaryCtxRetain"}, a.primaryCtxRetain,
                 missing) &&
         resolve(lib, {"cuDevicePrimaryCtxRelease_v2"}, a.primaryCtxRelease,
                 missing) &&
         resolve(lib, {"cuCtxSetCurrent"}, a.ctxSetCurrent, missing) &&
         resolve(lib, {"cuCtxSynchronize"}, a.ctxSynchronize, missing) &&
         resolve(lib, {"cuMemGetInfo_v2"}, a.memGetInfo, missing) &&
         resolve(lib, {"cuMemAlloc_v2"}, a.memAlloc, missing) &&
         resolve(lib, {"cuMemFree_v2"}, a.memFree, missing) &&
         resolve(lib, {"cuMemcpyHtoD_v2"}, a.memcpyHtoD, missing) &&
         resolve(lib, {"cuMemcpyDtoH_v2"}, a.memcpyDtoH, missing) &&
         resolve(lib, {"cuMemsetD8_v2"}, a.memsetD8, missing) &&
         resolve(lib, {"cuModuleLoadData"}, a.moduleLoadData, missing) &&
         resolve(lib, {"cuModuleUnload"}, a.moduleUnload, missing) &&
         resolve(lib, {"cuModuleGetFunction"}, a.moduleGetFunction, missing) &&
         resolve(lib, {"cuFuncSetAttribute"}, a.funcSetAttribute, missing) &&
         resolve(lib, {"cuStreamCreate"}, a.streamCreate, missing) &&
         resolve(lib, {"cuStreamDestroy_v2"}, a.streamDestroy, missing) &&
         resolve(lib, {"cuStreamSynchronize"}, a.streamSynchronize, missing) &&
         resolve(lib, {"cuEventCreate"}, a.eventCreate, missing) &&
         resolve(lib, {"cuEventDestroy_v2"}, a.eventDestroy, missing) &&
         resolve(lib, {"cuEventRecord"}, a.eventRecord, missing) &&
         // CUDA 12.8 added the _v2 (same signature); older drivers lack it.
         resolve(lib, {"cuEventElapsedTime_v2", "cuEventElapsedTime"},
                 a.eventElapsedTime, missing) &&
         resolve(lib, {"cuLaunchKernel"}, a.launchKernel, missing);
}

/// errorText() of a driver being loaded (errorText() itself would wait for
/// the loading to finish).
std::string describe(const LoadedDriver &d, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (d.named && d.api.getErrorName(result, &name) == kSuccess && name) {
    if (d.api.getErrorString(result, &text) == kSuccess && text)
      return cat(name, " (", text, ")");
    return name;
  }
  return cat("CUresult ", result);
}

const LoadedDriver &loaded() {
  static LoadedDriver d;
  static std::once_flag once;
  std::call_once(once, [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *why = dlerror();
      d.error = cat("no CUDA driver: ", why ? why : "libcuda.so.1 not found");
      return;
    }
    std::string missing;
    d.named = resolve(lib, {"cuGetErrorName"}, d.api.getErrorName, missing) &&
              resolve(lib, {"cuGetErrorString"}, d.api.getErrorString, missing);
    if (!d.named || !resolveAll(lib, d.api, missing)) {
      d.error = cat("the CUDA driver libcuda.so.1 lacks the entry point ",
                    missing, " (too old a driver?)");
      return;
    }
    if (CUresult r = d.api.init(0); r != kSuccess)
      d.error = cat("the CUDA driver does not start: cuInit: ", describe(d, r));
  });
  return d;
}

} // namespace

Expected<const Api *> driver() {
  const LoadedDriver &d = loaded();
  if (!d.error.empty())
    return Status::error(d.error);
  return &d.api;
}

std::string errorText(int result) { return describe(loaded(), result); }

Expected<std::vector<GpuInfo>> gpus() {
  Expected<const Api *> api = driver();
  if (!api)
    return api.status();
  const Api &a = **api;
  int count = 0;
  if (CUresult r = a.deviceGetCount(&count); r != kSuccess)
    return Status::error(cat("cuDeviceGetCount: ", errorText(r)));
  if (count == 0)
    return Status::error("the CUDA driver reports no GPU");
  std::vector<GpuInfo> out;
  for (int i = 0; i < count; ++i) {
    GpuInfo info;
    info.ordinal = i;
    if (CUresult r = a.deviceGet(&info.device, i); r != kSuccess)
      return Status::error(cat("cuDeviceGet(", i, "): ", errorText(r)));
    char name[256] = {};
    if (a.deviceGetName(name, sizeof name - 1, info.device) == kSuccess)
      info.name = name;
    a.deviceGetAttribute(&info.major, kAttrComputeCapabilityMajor, info.device);
    a.deviceGetAttribute(&info.minor, kAttrComputeCapabilityMinor, info.device);
    a.deviceGetAttribute(&info.multiprocessors, kAttrMultiprocessorCount,
                         info.device);
    a.deviceGetAttribute(&info.maxSharedPerBlockOptin,
                         kAttrMaxSharedMemoryPerBlockOptin, info.device);
    a.deviceTotalMem(&info.memoryBytes, info.device);
    out.push_back(std::move(info));
  }
  return out;
}

} // namespace ds::cuda
