//===- c_api.cpp - ds/runtime.h over ds::Session --------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Nothing here may throw into C: the runtime builds without exceptions and
// reports through ds::Status; allocation failure aborts as everywhere else.
//
//===----------------------------------------------------------------------===//

#include "ds/runtime.h"

#include "ds/session.h"

#include <memory>

struct ds_status {
  std::string message;
};

struct ds_module {
  std::shared_ptr<const ds::Module> module;
  /// The symbolic shapes of every port (DS_DYNAMIC_DIM for T), per entry.
  std::vector<std::vector<std::vector<int64_t>>> inputShapes, outputShapes;
};

struct ds_session {
  std::unique_ptr<ds::Session> session;
  std::vector<const char *> opNames;
};

namespace {

ds_status *fail(std::string message) {
  return new ds_status{std::move(message)};
}

ds_status *fail(const ds::Status &s) { return fail(s.message()); }

std::vector<int64_t> cShape(const ds::Dims &dims) {
  std::vector<int64_t> shape;
  for (const ds::Dim &d : dims)
    shape.push_back(d.dynamic() ? DS_DYNAMIC_DIM : d.size);
  return shape;
}

ds_status *wrap(ds::Expected<ds::Module> module, ds_module **out) {
  if (!module)
    return fail(module.message());
  auto *m = new ds_module;
  m->module = std::make_shared<const ds::Module>(std::move(module).value());
  for (const ds::EntryPoint &e : m->module->entries) {
    m->inputShapes.emplace_back();
    m->outputShapes.emplace_back();
    for (const ds::Port &p : e.inputs)
      m->inputShapes.back().push_back(cShape(e.buffers[p.buffer].dims));
    for (const ds::Port &p : e.outputs)
      m->outputShapes.back().push_back(cShape(e.buffers[p.buffer].dims));
  }
  *out = m;
  return nullptr;
}

/// The entry named `name` of `m`, or -1.
long findEntry(const ds_module *m, const char *name) {
  const auto &entries = m->module->entries;
  for (size_t i = 0; i < entries.size(); ++i)
    if (entries[i].name == name)
      return static_cast<long>(i);
  return -1;
}

ds_status *noEntry(const char *name) {
  return fail(
      ds::cat("no entry point @", name ? name : "(null)", " in the module"));
}

ds_status *port(const ds_module *module, const char *entry, size_t index,
                ds_port_info *out, bool input) {
  if (!module || !entry || !out)
    return fail("ds_module_entry_input/output: null argument");
  long e = findEntry(module, entry);
  if (e < 0)
    return noEntry(entry);
  const ds::EntryPoint &ep = module->module->entries[e];
  const std::vector<ds::Port> &ports = input ? ep.inputs : ep.outputs;
  if (index >= ports.size())
    return fail(ds::cat("@", entry, " has ", ports.size(),
                        input ? " inputs" : " outputs", ", no index ", index));
  const std::vector<int64_t> &shape =
      (input ? module->inputShapes : module->outputShapes)[e][index];
  out->name = ports[index].name.c_str();
  out->dtype = static_cast<ds_dtype>(ep.buffers[ports[index].buffer].dtype);
  out->rank = shape.size();
  out->shape = shape.data();
  return nullptr;
}

} // namespace

extern "C" {

const char *ds_status_message(const ds_status *status) {
  return status ? status->message.c_str() : "";
}

void ds_status_free(ds_status *status) { delete status; }

const char *ds_dtype_name(ds_dtype dtype) {
  if (dtype < DS_DTYPE_BOOL || dtype > DS_DTYPE_I4)
    return "?";
  return ds::dtypeName(static_cast<ds::DType>(dtype));
}

ds_status *ds_module_load_file(const char *path, ds_module **out) {
  if (!path || !out)
    return fail("ds_module_load_file: null argument");
  return wrap(ds::loadModuleFile(path), out);
}

ds_status *ds_module_load_bytes(const void *data, size_t size,
                                ds_module **out) {
  if ((!data && size) || !out)
    return fail("ds_module_load_bytes: null argument");
  return wrap(ds::parseModule(static_cast<const uint8_t *>(data), size), out);
}

void ds_module_free(ds_module *module) { delete module; }

const char *ds_module_target(const ds_module *m) {
  return m ? m->module->target.c_str() : "";
}
const char *ds_module_producer(const ds_module *m) {
  return m ? m->module->producer.c_str() : "";
}
const char *ds_module_model(const ds_module *m) {
  return m ? m->module->model.c_str() : "";
}
size_t ds_module_parameter_count(const ds_module *m) {
  return m ? m->module->parameters.size() : 0;
}
size_t ds_module_kernel_count(const ds_module *m) {
  return m ? m->module->kernels.size() : 0;
}
size_t ds_module_entry_count(const ds_module *m) {
  return m ? m->module->entries.size() : 0;
}
const char *ds_module_entry_name(const ds_module *m, size_t index) {
  if (!m || index >= m->module->entries.size())
    return nullptr;
  return m->module->entries[index].name.c_str();
}

ds_status *ds_module_entry_info(const ds_module *module, const char *entry,
                                ds_entry_info *out) {
  if (!module || !entry || !out)
    return fail("ds_module_entry_info: null argument");
  long e = findEntry(module, entry);
  if (e < 0)
    return noEntry(entry);
  const ds::EntryPoint &ep = module->module->entries[e];
  *out = {ep.name.c_str(),   ep.inputs.size(),  ep.outputs.size(),
          ep.program.size(), ep.plan.maxTokens, ep.plan.peakBytes,
          ep.plan.naiveBytes};
  return nullptr;
}

ds_status *ds_module_entry_input(const ds_module *module, const char *entry,
                                 size_t index, ds_port_info *out) {
  return port(module, entry, index, out, true);
}

ds_status *ds_module_entry_output(const ds_module *module, const char *entry,
                                  size_t index, ds_port_info *out) {
  return port(module, entry, index, out, false);
}

void ds_session_options_init(ds_session_options *options) {
  if (options)
    *options = {0, 0};
}

ds_status *ds_session_create(const ds_module *module, const char *device,
                             const ds_session_options *options,
                             ds_session **out) {
  if (!module || !device || !out)
    return fail("ds_session_create: null argument");
  ds::SessionOptions o;
  o.device = device;
  if (options && options->max_tokens)
    o.maxTokens = options->max_tokens;
  if (options && options->memory_limit)
    o.memoryLimit = options->memory_limit;
  o.maxTokensSource = "max_tokens of the session options";
  ds::Expected<std::unique_ptr<ds::Session>> s =
      ds::Session::create(module->module, std::move(o));
  if (!s)
    return fail(s.message());
  *out = new ds_session{std::move(s).value(), {}};
  return nullptr;
}

void ds_session_free(ds_session *session) { delete session; }

ds_status *ds_session_bind_weights(ds_session *session, const char *path) {
  if (!session || !path)
    return fail("ds_session_bind_weights: null argument");
  if (ds::Status s = session->session->bindWeights(path); !s.ok())
    return fail(s);
  return nullptr;
}

ds_status *ds_session_run(ds_session *session, const char *entry,
                          const ds_tensor *inputs, size_t count) {
  if (!session || (!inputs && count))
    return fail("ds_session_run: null argument");
  std::vector<ds::TensorInfo> tensors;
  for (size_t i = 0; i < count; ++i) {
    const ds_tensor &t = inputs[i];
    if (!t.name || (!t.shape && t.rank) || (!t.data && t.size))
      return fail(ds::cat("inputs[", i, "]: null name, shape or data"));
    if (t.dtype < DS_DTYPE_BOOL || t.dtype > DS_DTYPE_I4)
      return fail(ds::cat("inputs[", i, "] '", t.name, "': unknown dtype ",
                          static_cast<int>(t.dtype)));
    if (t.rank > 8)
      return fail(ds::cat("inputs[", i, "] '", t.name, "': rank ", t.rank,
                          " is above 8"));
    ds::TensorInfo info;
    info.name = t.name;
    info.dtype = static_cast<ds::DType>(t.dtype);
    info.shape.assign(t.shape, t.shape + t.rank);
    for (int64_t d : info.shape)
      if (d < 0)
        return fail(
            ds::cat("inputs[", i, "] '", t.name, "': negative dim ", d));
    static const uint8_t none = 0;
    info.data = t.data ? static_cast<const uint8_t *>(t.data) : &none;
    info.size = t.size;
    tensors.push_back(std::move(info));
  }
  if (ds::Status s =
          session->session->run(entry ? entry : "forward", tensors, "inputs");
      !s.ok())
    return fail(s);
  session->opNames.clear();
  for (const ds::LaunchTiming &t : session->session->timings())
    session->opNames.push_back(ds::opKindName(t.kind));
  return nullptr;
}

size_t ds_session_output_count(const ds_session *session) {
  return session ? session->session->outputs().size() : 0;
}

ds_status *ds_session_output(const ds_session *session, size_t index,
                             ds_tensor *out) {
  if (!session || !out)
    return fail("ds_session_output: null argument");
  const auto &outputs = session->session->outputs();
  if (index >= outputs.size())
    return fail(ds::cat("output index ", index, " is out of range (",
                        outputs.size(), " outputs)"));
  const ds::OutputTensor &o = outputs[index];
  *out = {o.name.c_str(), static_cast<ds_dtype>(o.dtype),
          o.shape.size(), o.shape.data(),
          o.bytes.data(), o.bytes.size()};
  return nullptr;
}

size_t ds_session_timing_count(const ds_session *session) {
  return session ? session->session->timings().size() : 0;
}

ds_status *ds_session_timing(const ds_session *session, size_t index,
                             ds_timing *out) {
  if (!session || !out)
    return fail("ds_session_timing: null argument");
  const auto &timings = session->session->timings();
  if (index >= timings.size())
    return fail(ds::cat("timing index ", index, " is out of range (",
                        timings.size(), " launches)"));
  *out = {ds::opKindName(timings[index].kind), timings[index].location.c_str(),
          timings[index].microseconds};
  return nullptr;
}

} // extern "C"
