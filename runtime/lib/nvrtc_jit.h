//===- nvrtc_jit.h - kernel sources to cubins for this GPU -*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7: when the GPU is not the module's target (its cubins are for
// sm_90a), the cuda backend compiles each kernel's embedded, self-contained
// source with NVRTC for the GPU's own architecture. NVRTC is opened with
// dlopen (libnvrtc.so.13, .so.12, then libnvrtc.so, each also under the CUDA
// home's lib64/), so the runtime builds and starts without it. Options:
// `--gpu-architecture=sm_XY -std=c++17 -lineinfo` and `-I<CUDA include dir>`
// ($CUDA_HOME/include, $CUDA_PATH/include or /usr/local/cuda/include, the
// first that exists).
//
// Compiled cubins are cached on disk under $DS_CACHE_DIR/cuda-jit (default
// ~/.cache/ds/cuda-jit), keyed by a 64-bit FNV-1a hash of NVRTC's version,
// the options and the source (the runtime carries no SHA-256; a 64-bit
// non-cryptographic hash is enough to tell cache entries apart, not to
// guard against someone forging them: the cache directory is trusted).
// Entries are written to a temporary file and renamed into place; a cache
// that cannot be read or written is skipped, not an error.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_NVRTC_JIT_H
#define DS_RUNTIME_LIB_NVRTC_JIT_H

#include "ds/status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ds::cuda {

/// A compiled kernel.
struct JitCubin {
  std::vector<uint8_t> cubin;
  bool fromCache = false;
  std::string cachePath; ///< where it is cached; empty when not
};

/// NVRTC's cubin of `source` (the program `name`) for `arch` ("sm_86",
/// "sm_90a"), from the cache when there. Fails naming the arch and what is
/// missing (NVRTC: the sonames tried and the dlerror) or NVRTC's error and
/// log.
Expected<JitCubin> jitCompile(const std::string &name,
                              const std::string &source,
                              const std::string &arch);

/// The options jitCompile() passes for `arch`.
std::vector<std::string> jitOptions(const std::string &arch);

/// The JIT cache directory: $DS_CACHE_DIR/cuda-jit, else
/// $HOME/.cache/ds/cuda-jit; empty when neither variable is set.
std::string jitCacheDir();

/// The first CUDA include directory that exists, or empty.
std::string cudaIncludeDir();

/// 64-bit FNV-1a of `data`, continuing from `hash`.
uint64_t fnv1a64(std::string_view data, uint64_t hash = 0xcbf29ce484222325ull);

} // namespace ds::cuda

#endif // DS_RUNTIME_LIB_NVRTC_JIT_H
