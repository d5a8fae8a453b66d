//===- NvrtcCompiler.h - CUDA C++ to sm_90a cubins with NVRTC ---*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The NVRTC driver of design §6: every distinct kernel source is compiled
// once for the target (cubin + PTX), in parallel over the cores, with a
// content-hash cache keyed on the source, the options and the NVRTC version
// ($DS_CACHE_DIR, default ~/.cache/ds). The ptxas report (registers, spills,
// stack, shared memory) is parsed from the log and kept per kernel; a failure
// carries NVRTC's log (or ptxas's, when NVRTC's is empty) and a reproducer
// command.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_NVRTCCOMPILER_H
#define DS_CODEGEN_NVRTCCOMPILER_H

#include "ds/module.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ds::codegen {

/// One kernel to compile: a self-contained CUDA C++ source defining the
/// `extern "C" __global__` function `entry`.
struct KernelSource {
  std::string name; ///< for messages ("gemm_bf16_n128_k64")
  std::string entry;
  std::string source;
};

struct CompiledKernel {
  std::vector<uint8_t> cubin;
  std::string ptx;
  ds::PtxasReport report;        ///< of `entry`
  int64_t staticSharedBytes = 0; ///< from the report
  bool fromCache = false;
};

struct NvrtcOptions {
  /// The GPU architecture ("sm_90a"); compute_XX is derived from it.
  std::string target = "sm_90a";
  /// More NVRTC options (each one option: NVRTC's -Xptxas takes one flag).
  std::vector<std::string> extraOptions;
  /// The cache directory: empty for $DS_CACHE_DIR, else ~/.cache/ds (the
  /// kernels live in its nvrtc/ folder); "none" turns the cache off.
  std::string cacheDir;
  /// Compile threads; 0 for one per core.
  unsigned threads = 0;
};

/// The NVRTC version ("13.0"), or an error when libnvrtc does not answer.
llvm::Expected<std::string> nvrtcVersion();

/// The options NVRTC gets for `options` (the target, C++17, the ptxas
/// report, line info, then the extra options), in order: part of the key.
std::vector<std::string> nvrtcArguments(const NvrtcOptions &options);

/// Compiles `kernel`, or takes it from the cache.
llvm::Expected<CompiledKernel> compileKernel(const KernelSource &kernel,
                                             const NvrtcOptions &options);

/// Compiles every kernel (identical sources once), in parallel; one result
/// per kernel, in order.
std::vector<llvm::Expected<CompiledKernel>>
compileKernels(llvm::ArrayRef<KernelSource> kernels,
               const NvrtcOptions &options);

/// The report of function `entry` in a ptxas verbose log ("Used 10
/// registers", "0 bytes stack frame, 0 bytes spill stores, 0 bytes spill
/// loads", "1024 bytes smem"); `log` keeps the lines about `entry`.
ds::PtxasReport parsePtxasReport(llvm::StringRef log, llvm::StringRef entry,
                                 int64_t *staticSharedBytes = nullptr);

/// Fails, naming the kernel, when `report` shows a spill or a local-memory
/// stack frame (design §8: the CI gate).
llvm::Error checkNoLocalMemory(const KernelSource &kernel,
                               const ds::PtxasReport &report);

} // namespace ds::codegen

#endif // DS_CODEGEN_NVRTCCOMPILER_H
