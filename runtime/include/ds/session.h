//===- ds/session.h - running a compiled module -----------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// A Session runs the entry points of one verified ds::Module on one device
// (design.md §7, docs/compile-path.md §5): it allocates ONE arena, sized by
// the plans for the session's max tokens, binds the weights once (memory-
// mapped safetensors, decoded once per session by the cpu backend) and runs
// an entry's launch program over named inputs. The C API (ds/runtime.h) is a
// thin layer over it; ds-run uses either.
//
// Devices: "cpu" (the reference backend, lib/cpu_backend.cpp: each launch
// calls the runtime/cpu op ds-interp calls for the same moe op, so results
// are bit-identical to ds-interp). "sim" runs the module's own kernels on
// the CPU (design §7a; in builds with Boost.Context); "cuda" runs them on
// a GPU through the driver, loaded at run time (lib/cuda_backend.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef DS_SESSION_H
#define DS_SESSION_H

#include "ds/binding.h"
#include "ds/module.h"
#include "ds/routing_profile.h"
#include "ds/status.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ds {

/// The sim device's settings (design §7a).
struct SimOptions {
  uint64_t seed = 1;  ///< the seed of the thread schedule
  bool checks = true; ///< the hazard checks (bounds, read-only, races)
};

struct SessionOptions {
  std::string device = "cpu";
  SimOptions sim;
  /// The largest token count a run may have; the arena is sized for it (a
  /// plan is valid for every T: docs/compile-path.md §3). Unset: each
  /// entry's plan.maxTokens, capped by the model's limit. Above the model's
  /// limit (module.limits.maxTokens): an error.
  std::optional<int64_t> maxTokens;
  /// Where maxTokens came from, for messages ("--max-tokens").
  std::string maxTokensSource = "the session's max tokens";
  /// The host memory limit (arena, decoded weights, per-launch values).
  /// Unset: defaultMemoryLimit().
  std::optional<int64_t> memoryLimit;
  /// The cpu backend keeps each value a launch produced (or an operand it
  /// decoded) attached to its buffer for the run, so consumers skip decoding
  /// the arena's bytes; results are the same bit for bit. Off: every operand
  /// is decoded (for tests and the execution fuzzer's differential check).
  bool valueCache = true;
  /// When set, every run counts the experts each router launch selects into
  /// it (ds/routing_profile.h; `ds-run --profile-routing`). The cpu device
  /// only; the profile must outlive the session.
  RoutingProfile *routingProfile = nullptr;
};

/// One output of the last run: the bytes of its buffer in its dtype.
struct OutputTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

/// The time of one launch of the last run.
struct LaunchTiming {
  OpKind kind = OpKind::Gemm;
  std::string location;
  double microseconds = 0;
  /// The index of the launch's variant that ran (sim); -1 where no kernel
  /// ran (cpu).
  int32_t variant = -1;
  /// sim, attention launches: the KV tiles all CTAs visited, each counted
  /// once per CTA (the kernel's counter, ds::simCounter); -1 elsewhere.
  int64_t kvTiles = -1;
};

/// The devices a Session can name; `available` is false for those this
/// build lacks.
struct DeviceInfo {
  const char *name;
  bool available;
};
const std::vector<DeviceInfo> &devices();

class Backend;

class Session {
public:
  /// Fails on an unknown or unavailable device, a max tokens below 1 or
  /// above the model's limit, or an arena above the memory limit.
  static Expected<std::unique_ptr<Session>>
  create(std::shared_ptr<const Module> module, SessionOptions options = {});
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  const Module &module() const { return *M; }
  const SessionOptions &options() const { return Options; }
  /// The entry named `name`, or an error listing the entries.
  Expected<const EntryPoint *> entry(std::string_view name) const;
  /// The input signature of `entry` with the session's token limit.
  EntrySignature signature(const EntryPoint &entry) const;
  /// The largest T of a run of `entry`.
  int64_t maxTokens(const EntryPoint &entry) const;
  /// The arena's size in bytes.
  int64_t arenaBytes() const { return ArenaBytes; }

  /// Binds the parameters to the checkpoint at `path` (a file, a directory
  /// or a sharded index), checking every tensor first (checkWeights: the
  /// message names the tensor); once per session.
  Status bindWeights(const std::string &path);
  bool weightsBound() const { return WeightsBound; }

  /// Runs `entry` on `args` (bound to signature(entry): one tensor per input,
  /// checked with checkInputs()).
  Status run(const EntryPoint &entry, std::vector<cpu::Tensor> args);
  /// Runs `entry` on named tensors (bindInputs(): a missing `positions`
  /// defaults to 0 .. T-1; an unknown name is an error). Messages start with
  /// `source` ("inputs").
  Status run(std::string_view entry, const std::vector<TensorInfo> &inputs,
             std::string_view source = "inputs");

  /// The outputs and launch timings of the last successful run.
  const std::vector<OutputTensor> &outputs() const { return Outputs; }
  const std::vector<LaunchTiming> &timings() const { return Timings; }

private:
  Session() = default;

  std::shared_ptr<const Module> M;
  SessionOptions Options;
  int64_t ArenaBytes = 0;
  bool WeightsBound = false;
  std::unique_ptr<Backend> Device;
  std::vector<OutputTensor> Outputs;
  std::vector<LaunchTiming> Timings;
};

} // namespace ds

#endif // DS_SESSION_H
