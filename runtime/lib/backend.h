//===- backend.h - the device side of a Session -----------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// What a device implements for ds::Session (ds/session.h); internal to the
// runtime library. The Session has checked the device, the token count and
// the inputs; a backend binds weights once and runs an entry's program.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_BACKEND_H
#define DS_RUNTIME_LIB_BACKEND_H

#include "ds/binding.h"
#include "ds/module.h"
#include "ds/session.h"

#include <memory>

namespace ds {

class Backend {
public:
  virtual ~Backend() = default;
  /// Reads every parameter of `table` (the module's) from `checkpoint`,
  /// which checkWeights() has accepted.
  virtual Status bindWeights(const ParameterTable &table,
                             const Checkpoint &checkpoint) = 0;
  /// Runs `entry` at token count `tokens` on `args` (checked), filling the
  /// outputs and one timing per launch.
  virtual Status run(const EntryPoint &entry, int64_t tokens,
                     std::vector<cpu::Tensor> args,
                     std::vector<OutputTensor> &outputs,
                     std::vector<LaunchTiming> &timings) = 0;
};

/// The cpu backend (lib/cpu_backend.cpp): one arena of `arenaBytes`, every
/// allocation charged against `memoryLimit`; `valueCache`: keep decoded and
/// produced values attached to their buffers during a run; `routing`, when
/// set: each run records the selections of its router launches there.
Expected<std::unique_ptr<Backend>>
createCpuBackend(const Module &module, int64_t arenaBytes, int64_t memoryLimit,
                 bool valueCache, RoutingProfile *routing = nullptr);

/// The cuda backend (lib/cuda_backend.cpp): opens the GPU (the driver is
/// loaded at run time), loads the module's kernels (cubin or NVRTC JIT) and
/// allocates the arena; fails saying why (no driver, no GPU, no kernels, a
/// kernel that does not load, out of memory).
Expected<std::unique_ptr<Backend>> createCudaBackend(const Module &module,
                                                     int64_t arenaBytes,
                                                     int64_t memoryLimit);

#ifndef DS_HAVE_SIM
#define DS_HAVE_SIM 0
#endif
#if DS_HAVE_SIM
/// The sim backend (lib/sim_backend.cpp): compiles and loads the module's
/// kernels for the sim; fails when the module has none.
Expected<std::unique_ptr<Backend>> createSimBackend(const Module &module,
                                                    int64_t arenaBytes,
                                                    int64_t memoryLimit,
                                                    const SimOptions &options);
#endif
} // namespace ds

#endif // DS_RUNTIME_LIB_BACKEND_H
