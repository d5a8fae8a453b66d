//===- session.cpp - running a compiled module ----------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/session.h"

#include "backend.h"
#include "cuda_driver.h"

#include "ds/memory.h"

#include <algorithm>

namespace ds {

const std::vector<DeviceInfo> &devices() {
  static const std::vector<DeviceInfo> list = {
      {"cpu", true}, {"sim", DS_HAVE_SIM != 0}, {"cuda", true}};
  return list;
}

Session::~Session() = default;

/// The largest T of a run of `entry` in a session with `options`: the
/// option, else the plan's max tokens capped by the model's limit.
static int64_t sessionTokens(const Module &module, const EntryPoint &entry,
                             const SessionOptions &options) {
  if (options.maxTokens)
    return *options.maxTokens;
  int64_t t = entry.plan.maxTokens;
  if (module.limits.maxTokens)
    t = std::min(t, *module.limits.maxTokens);
  return std::max<int64_t>(t, 1);
}

Expected<std::unique_ptr<Session>>
Session::create(std::shared_ptr<const Module> module, SessionOptions options) {
  if (!module)
    return Status::error("no module");
  const DeviceInfo *device = nullptr;
  std::string names;
  for (const DeviceInfo &d : devices()) {
    names += cat(names.empty() ? "" : ", ", d.name);
    if (options.device == d.name)
      device = &d;
  }
  if (!device)
    return Status::error(
        cat("unknown device '", options.device, "' (devices: ", names, ")"));
  if (options.device == "cuda") {
    // The driver is loaded at run time (design §7): say what there is.
    Expected<std::vector<cuda::GpuInfo>> gpus = cuda::gpus();
    if (!gpus)
      return Status::error(cat("device 'cuda': ", gpus.message()));
  }
  if (options.routingProfile && options.device != "cpu")
    return Status::error(cat("routing profiles are recorded on the cpu "
                             "device only, not on '",
                             options.device, "'"));
  if (!device->available)
    return Status::error(
        cat("device '", options.device, "' is not available in this build"));
  if (options.maxTokens && *options.maxTokens < 1)
    return Status::error(
        cat(options.maxTokensSource, ": ", *options.maxTokens, " is below 1"));
  if (options.maxTokens && module->limits.maxTokens &&
      *options.maxTokens > *module->limits.maxTokens)
    return Status::error(cat(options.maxTokensSource, ": ", *options.maxTokens,
                             " is above the model's limit of ",
                             *module->limits.maxTokens, " tokens (",
                             module->limits.maxTokensSource, ")"));
  // The arena: the largest end of an arena buffer of any entry at the
  // session's max tokens (each is a·T + b with a, b >= 0).
  int64_t arena = 0;
  for (const EntryPoint &e : module->entries) {
    int64_t t = sessionTokens(*module, e, options);
    for (const Buffer &b : e.buffers) {
      if (b.kind != BufferKind::Arena)
        continue;
      Expected<int64_t> bytes = bufferBytes(b.dtype, b.dims, t, b.name);
      if (!bytes)
        return bytes.status();
      if (b.offsetPerToken > (int64_t(1) << 62) / t)
        return Status::error(
            cat(b.name, ": the offset overflows at ", t, " tokens"));
      arena = std::max(arena, b.offsetPerToken * t + b.offsetFixed + *bytes);
    }
  }
  int64_t limit =
      options.memoryLimit ? *options.memoryLimit : defaultMemoryLimit();
  if (arena > limit)
    return Status::error(cat("the arena needs ", formatBytes(arena),
                             ", more than the memory limit of ",
                             formatBytes(limit)));
  std::unique_ptr<Session> s(new Session());
  s->M = std::move(module);
  s->Options = std::move(options);
  s->ArenaBytes = arena;
  Expected<std::unique_ptr<Backend>> backend =
      s->Options.device == "cuda" ? createCudaBackend(*s->M, arena, limit) :
#if DS_HAVE_SIM
      s->Options.device == "sim"
          ? createSimBackend(*s->M, arena, limit, s->Options.sim)
          :
#endif
          createCpuBackend(*s->M, arena, limit, s->Options.valueCache,
                           s->Options.routingProfile);
  if (!backend)
    return backend.status();
  s->Device = std::move(backend).value();
  return s;
}

Expected<const EntryPoint *> Session::entry(std::string_view name) const {
  std::string names;
  for (const EntryPoint &e : M->entries) {
    if (e.name == name)
      return &e;
    names += cat(names.empty() ? "" : ", ", "@", e.name);
  }
  return Status::error(
      cat("no entry point @", name, " in the module (entries: ", names, ")"));
}

int64_t Session::maxTokens(const EntryPoint &entry) const {
  return sessionTokens(*M, entry, Options);
}

EntrySignature Session::signature(const EntryPoint &entry) const {
  EntrySignature s = entrySignature(*M, entry);
  int64_t tokens = maxTokens(entry);
  if (!s.limits.maxTokens || *s.limits.maxTokens > tokens) {
    s.limits.maxTokens = tokens;
    s.limits.maxTokensSource =
        Options.maxTokens ? Options.maxTokensSource
                          : cat("the session's arena, sized for the plan's ",
                                tokens, " (raise it with --max-tokens)");
  }
  return s;
}

Status Session::bindWeights(const std::string &path) {
  if (WeightsBound)
    return Status::error(
        cat(path, ": the session's weights are bound already"));
  Expected<ParameterTable> table = ParameterTable::create(M->parameters);
  if (!table) // verifyModule has checked it
    return table.status();
  Expected<Checkpoint> checkpoint = Checkpoint::open(path);
  if (!checkpoint)
    return checkpoint.status();
  WeightReport report = checkWeights(*table, *checkpoint);
  // Only what the module reads must be right: extra tensors are fine (a
  // module may use part of a checkpoint). The wording is decodeParameter()'s
  // (ds-interp's).
  if (!report.missing.empty()) {
    const CheckpointTensorSpec &m = report.missing[0];
    return Status::error(cat(path, ": parameter @", m.parameter, ": tensor '",
                             m.key, "' is missing from the checkpoint"));
  }
  auto mismatch = [&](const WeightMismatch &m) {
    return Status::error(
        cat(path, ": parameter @", m.expected.parameter, ": tensor '",
            m.expected.key, "' is ", dtypeName(m.actual->dtype),
            cpu::shapeToString(m.actual->shape), ", expected ",
            dtypeName(m.expected.dtype), cpu::shapeToString(m.expected.shape),
            m.file.empty() || checkpoint->indexPath().empty()
                ? ""
                : cat(" (in ", m.file, ")")));
  };
  if (!report.wrongShape.empty())
    return mismatch(report.wrongShape[0]);
  if (!report.wrongDtype.empty())
    return mismatch(report.wrongDtype[0]);
  if (Status s = Device->bindWeights(*table, *checkpoint); !s.ok())
    return s.withContext(path);
  WeightsBound = true;
  return Status::success();
}

Status Session::run(const EntryPoint &entry, std::vector<cpu::Tensor> args) {
  Outputs.clear();
  Timings.clear();
  if (!WeightsBound && !M->parameters.empty())
    return Status::error(
        cat("@", entry.name, ": the session's weights are not bound"));
  EntrySignature sig = signature(entry);
  if (Status s = checkInputs(sig, args); !s.ok())
    return s;
  for (size_t i = 0; i < args.size(); ++i)
    if (!matchesInput(sig.inputs[i], args[i].dtype(), args[i].shape()))
      return Status::error(cat("input '", sig.inputs[i].name, "' is ",
                               args[i].typeString(), ", argument ", i, " of @",
                               entry.name, " is ", sig.inputs[i].typeText));
  std::optional<int64_t> t = tokenCount(sig, args);
  int64_t tokens = t.value_or(1);
  if (t && *t < 1) {
    std::string name;
    for (const InputSpec &in : sig.inputs)
      if (!in.shape.empty() && in.shape[0] == kDynamicDim) {
        name = in.name;
        break;
      }
    return Status::error(
        cat("input '", name, "': 0 tokens; a run needs at least 1"));
  }
  return Device->run(entry, tokens, std::move(args), Outputs, Timings);
}

Status Session::run(std::string_view name,
                    const std::vector<TensorInfo> &inputs,
                    std::string_view source) {
  Expected<const EntryPoint *> e = entry(name);
  if (!e)
    return e.status();
  for (size_t i = 0; i < inputs.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (inputs[i].name == inputs[j].name)
        return Status::error(
            cat(source, ": tensor '", inputs[i].name, "' given twice"));
  Expected<std::vector<cpu::Tensor>> args =
      bindInputs(signature(**e), inputs, source);
  if (!args)
    return args.status();
  return run(**e, std::move(args).value());
}

} // namespace ds
