//===- fake_cuda_driver.cpp - a libcuda.so.1 without a GPU, for tests -----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The driver entry points the cuda backend resolves (runtime/lib/
// cuda_driver.cpp), over host memory, so the backend's control flow runs in
// CI: device selection, kernel loading (cubin or NVRTC JIT), allocation,
// copies, launches, events and every error path. Kernels do not run: a
// launch checks its configuration and that every buffer address of its
// ds::KernelArgs lies inside an allocation, then does nothing, so outputs
// hold whatever the arena held (zeros). Built as lib/fake-cuda/libcuda.so.1
// of the build tree and put in front of the real driver with
// LD_LIBRARY_PATH (test/runtime/ds-run-cuda.test).
//
// Settings (environment):
//   FAKE_CUDA_CC=86        the compute capability (default 90)
//   FAKE_CUDA_DEVICES=N    the device count (default 1)
//   FAKE_CUDA_MEMORY=N     device memory in bytes (default 1 GiB)
//   FAKE_CUDA_FAIL=NAME[:K][=CODE]  the K-th call (default 1st) of the entry
//                          point NAME (without _v2) returns CODE (default:
//                          2, out of memory, for cuMemAlloc; 100, no
//                          device, for cuInit; 700, illegal address, for
//                          cuStreamSynchronize; else 1, invalid value)
//   FAKE_CUDA_TRACE=1      one stderr line per module load and launch
//
//===----------------------------------------------------------------------===//

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

using CUresult = int;

std::mutex Lock;
std::map<uintptr_t, size_t> Allocations; // start -> size
size_t Allocated = 0;
std::map<std::string, int> Calls;

size_t envSize(const char *name, size_t fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

bool tracing() { return envSize("FAKE_CUDA_TRACE", 0) != 0; }

/// The injected result of this call of `name`, or 0.
CUresult injected(const char *name, CUresult fallback = 1) {
  const char *v = std::getenv("FAKE_CUDA_FAIL");
  if (!v)
    return 0;
  std::string spec = v, target = spec, code;
  int k = 1;
  if (size_t eq = target.find('='); eq != std::string::npos) {
    code = target.substr(eq + 1);
    target = target.substr(0, eq);
  }
  if (size_t colon = target.find(':'); colon != std::string::npos) {
    k = std::atoi(target.c_str() + colon + 1);
    target = target.substr(0, colon);
  }
  if (target != name)
    return 0;
  if (++Calls[target] != k)
    return 0;
  return code.empty() ? fallback : std::atoi(code.c_str());
}

const char *errorName(CUresult r) {
  switch (r) {
  case 0:
    return "CUDA_SUCCESS";
  case 1:
    return "CUDA_ERROR_INVALID_VALUE";
  case 2:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case 100:
    return "CUDA_ERROR_NO_DEVICE";
  case 200:
    return "CUDA_ERROR_INVALID_IMAGE";
  case 209:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case 500:
    return "CUDA_ERROR_NOT_FOUND";
  case 700:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  default:
    return nullptr;
  }
}

const char *errorString(CUresult r) {
  switch (r) {
  case 0:
    return "no error";
  case 1:
    return "invalid argument";
  case 2:
    return "out of memory";
  case 100:
    return "no CUDA-capable device is detected";
  case 200:
    return "device kernel image is invalid";
  case 209:
    return "no kernel image is available for execution on the device";
  case 500:
    return "named symbol not found";
  case 700:
    return "an illegal memory access was encountered";
  default:
    return nullptr;
  }
}

/// Whether [p, p + n) lies inside one allocation.
bool inside(uintptr_t p, size_t n) {
  auto it = Allocations.upper_bound(p);
  if (it == Allocations.begin())
    return false;
  --it;
  return p >= it->first && p + n <= it->first + it->second;
}

struct Function {
  std::string name;
  int dynamicShared = 48 * 1024;
};
struct Module {
  std::string image; // the ELF's bytes, searched for entry names
  // The functions handed out, owned by the module as the driver's are
  // (valid until cuModuleUnload).
  std::vector<std::unique_ptr<Function>> functions;
};
struct Event {
  std::chrono::steady_clock::time_point at;
};

int Context = 0, Stream = 0;

} // namespace

extern "C" {

CUresult cuGetErrorName(CUresult r, const char **s) {
  *s = errorName(r);
  return *s ? 0 : 1;
}
CUresult cuGetErrorString(CUresult r, const char **s) {
  *s = errorString(r);
  return *s ? 0 : 1;
}
CUresult cuInit(unsigned) { return injected("cuInit", 100); }
// NVRTC asks a loaded driver for its private export tables; a driver that
// has none says "not supported" (801), and NVRTC carries on without.
CUresult cuGetExportTable(const void **table, const void *) {
  *table = nullptr;
  return 801;
}
CUresult cuDeviceGetCount(int *n) {
  *n = static_cast<int>(envSize("FAKE_CUDA_DEVICES", 1));
  return injected("cuDeviceGetCount");
}
CUresult cuDeviceGet(int *d, int i) {
  *d = i;
  return injected("cuDeviceGet");
}
CUresult cuDeviceGetName(char *name, int len, int) {
  std::snprintf(name, static_cast<size_t>(len), "Fake GPU");
  return 0;
}
CUresult cuDeviceGetAttribute(int *v, int attr, int) {
  int cc = static_cast<int>(envSize("FAKE_CUDA_CC", 90));
  switch (attr) {
  case 16:
    *v = 4;
    return 0;
  case 75:
    *v = cc / 10;
    return 0;
  case 76:
    *v = cc % 10;
    return 0;
  case 97:
    *v = 227 * 1024;
    return 0;
  default:
    *v = 0;
    return 1;
  }
}
CUresult cuDeviceTotalMem_v2(size_t *bytes, int) {
  *bytes = envSize("FAKE_CUDA_MEMORY", size_t(1) << 30);
  return 0;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int) {
  *ctx = &Context;
  return injected("cuDevicePrimaryCtxRetain");
}
CUresult cuDevicePrimaryCtxRelease_v2(int) { return 0; }
CUresult cuCtxSetCurrent(void *) { return injected("cuCtxSetCurrent"); }
CUresult cuCtxSynchronize() { return 0; }
CUresult cuMemGetInfo_v2(size_t *free, size_t *total) {
  std::lock_guard<std::mutex> g(Lock);
  *total = envSize("FAKE_CUDA_MEMORY", size_t(1) << 30);
  *free = *total - Allocated;
  return 0;
}
CUresult cuMemAlloc_v2(unsigned long long *p, size_t n) {
  std::lock_guard<std::mutex> g(Lock);
  if (CUresult r = injected("cuMemAlloc", 2))
    return r;
  if (n == 0)
    return 1;
  if (Allocated + n > envSize("FAKE_CUDA_MEMORY", size_t(1) << 30))
    return 2;
  void *m = std::calloc(1, n);
  if (!m)
    return 2;
  Allocations[reinterpret_cast<uintptr_t>(m)] = n;
  Allocated += n;
  *p = reinterpret_cast<uintptr_t>(m);
  return 0;
}
CUresult cuMemFree_v2(unsigned long long p) {
  std::lock_guard<std::mutex> g(Lock);
  auto it = Allocations.find(static_cast<uintptr_t>(p));
  if (it == Allocations.end())
    return 1;
  Allocated -= it->second;
  std::free(reinterpret_cast<void *>(it->first));
  Allocations.erase(it);
  return 0;
}
CUresult cuMemcpyHtoD_v2(unsigned long long d, const void *h, size_t n) {
  std::lock_guard<std::mutex> g(Lock);
  if (CUresult r = injected("cuMemcpyHtoD"))
    return r;
  if (!inside(static_cast<uintptr_t>(d), n))
    return 1;
  std::memcpy(reinterpret_cast<void *>(d), h, n);
  return 0;
}
CUresult cuMemcpyDtoH_v2(void *h, unsigned long long d, size_t n) {
  std::lock_guard<std::mutex> g(Lock);
  if (CUresult r = injected("cuMemcpyDtoH"))
    return r;
  if (!inside(static_cast<uintptr_t>(d), n))
    return 1;
  std::memcpy(h, reinterpret_cast<void *>(d), n);
  return 0;
}
CUresult cuMemsetD8_v2(unsigned long long d, unsigned char v, size_t n) {
  std::lock_guard<std::mutex> g(Lock);
  if (!inside(static_cast<uintptr_t>(d), n))
    return 1;
  std::memset(reinterpret_cast<void *>(d), v, n);
  return 0;
}
CUresult cuModuleLoadData(void **m, const void *image) {
  if (CUresult r = injected("cuModuleLoadData", 209))
    return r;
  const char *p = static_cast<const char *>(image);
  if (std::memcmp(p,
                  "\x7f"
                  "ELF",
                  4) != 0)
    return 200;
  // An ELF64's size: e_shoff + e_shnum * e_shentsize (the section headers
  // come last in NVRTC's and ptxas's cubins).
  uint64_t shoff;
  uint16_t shentsize, shnum;
  std::memcpy(&shoff, p + 0x28, 8);
  std::memcpy(&shentsize, p + 0x3A, 2);
  std::memcpy(&shnum, p + 0x3C, 2);
  size_t size = static_cast<size_t>(shoff) + size_t(shentsize) * shnum;
  auto *mod = new Module{std::string(p, size)};
  if (tracing())
    std::fprintf(stderr, "fake cuda: cuModuleLoadData: ELF of %zu bytes\n",
                 size);
  *m = mod;
  return 0;
}
CUresult cuModuleUnload(void *m) {
  delete static_cast<Module *>(m);
  return 0;
}
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  Module *mod = static_cast<Module *>(m);
  if (mod->image.find(name) == std::string::npos)
    return 500;
  mod->functions.push_back(std::make_unique<Function>(Function{name}));
  *f = mod->functions.back().get();
  return 0;
}
CUresult cuFuncSetAttribute(void *f, int attr, int value) {
  if (CUresult r = injected("cuFuncSetAttribute"))
    return r;
  if (attr != 8 || value > 227 * 1024)
    return 1;
  static_cast<Function *>(f)->dynamicShared = value;
  return 0;
}
CUresult cuStreamCreate(void **s, unsigned) {
  *s = &Stream;
  return 0;
}
CUresult cuStreamDestroy_v2(void *) { return 0; }
CUresult cuStreamSynchronize(void *) {
  return injected("cuStreamSynchronize", 700);
}
CUresult cuEventCreate(void **e, unsigned) {
  *e = new Event{};
  return 0;
}
CUresult cuEventDestroy_v2(void *e) {
  delete static_cast<Event *>(e);
  return 0;
}
CUresult cuEventRecord(void *e, void *) {
  static_cast<Event *>(e)->at = std::chrono::steady_clock::now();
  return 0;
}
CUresult cuEventElapsedTime_v2(float *ms, void *a, void *b) {
  *ms = std::chrono::duration<float, std::milli>(static_cast<Event *>(b)->at -
                                                 static_cast<Event *>(a)->at)
            .count();
  return 0;
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *, void **params, void **extra) {
  std::lock_guard<std::mutex> g(Lock);
  if (CUresult r = injected("cuLaunchKernel"))
    return r;
  const Function *fn = static_cast<const Function *>(f);
  if (!params || extra || !gx || !gy || !gz || !bx || !by || !bz ||
      bx * by * bz > 1024 || smem > static_cast<unsigned>(fn->dynamicShared))
    return 1;
  // The one parameter: ds::KernelArgs, 8 buffer addresses and T.
  struct Args {
    void *buffers[8];
    long long tokens;
  };
  const Args *args = static_cast<const Args *>(params[0]);
  int buffers = 0;
  for (void *b : args->buffers)
    if (b) {
      if (!inside(reinterpret_cast<uintptr_t>(b), 1)) {
        std::fprintf(stderr,
                     "fake cuda: %s: buffer %d at %p is in no allocation\n",
                     fn->name.c_str(), buffers, b);
        return 1;
      }
      ++buffers;
    }
  if (tracing())
    std::fprintf(stderr,
                 "fake cuda: launch %s grid [%u, %u, %u] block [%u, %u, %u] "
                 "smem %u, %d buffers, T = %lld\n",
                 fn->name.c_str(), gx, gy, gz, bx, by, bz, smem, buffers,
                 args->tokens);
  return 0;
}

} // extern "C"
