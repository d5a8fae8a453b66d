//===- module.cpp - helpers of the in-memory module -----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/module.h"

#include "ds/cpu/tensor.h"
#include "ds/limits.h"

#include <algorithm>

namespace ds {

std::vector<int64_t> resolveDims(const Dims &dims, int64_t tokens) {
  std::vector<int64_t> shape;
  shape.reserve(dims.size());
  for (const Dim &d : dims)
    shape.push_back(d.at(tokens));
  return shape;
}

std::vector<int64_t> symbolicShape(const Dims &dims) {
  std::vector<int64_t> shape;
  shape.reserve(dims.size());
  for (const Dim &d : dims)
    shape.push_back(d.dynamic() ? kDynamicDim : d.size);
  return shape;
}

Expected<int64_t> bufferBytes(DType dtype, const Dims &dims, int64_t tokens,
                              std::string_view what) {
  int64_t count = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    const Dim &d = dims[i];
    std::optional<int64_t> size =
        d.dynamic() ? checkedMul(d.tokenScale, tokens) : d.size;
    if (!size || *size < 0)
      return Status::error(cat(what, ": dim ", i, " is negative or overflows"));
    std::optional<int64_t> next = checkedMul(count, *size);
    if (!next || *next > kMaxTensorElements)
      return Status::error(cat(what, ": more than ", kMaxTensorElements,
                               " elements (the limit of one tensor) at ",
                               tokens, " tokens"));
    count = *next;
  }
  std::optional<uint64_t> bytes = byteSize(dtype, static_cast<uint64_t>(count));
  if (!bytes)
    return Status::error(
        cat(what, ": dtype ", dtypeName(dtype), " has no byte size"));
  return static_cast<int64_t>(*bytes);
}

const char *opKindName(OpKind kind) {
  switch (kind) {
  case OpKind::Gemm:
    return "gemm";
  case OpKind::GroupedGemm:
    return "grouped_gemm";
  case OpKind::Attention:
    return "attention";
  case OpKind::Norm:
    return "norm";
  case OpKind::Rope:
    return "rope";
  case OpKind::Router:
    return "router";
  case OpKind::Dispatch:
    return "dispatch";
  case OpKind::Combine:
    return "combine";
  case OpKind::Elementwise:
    return "elementwise";
  case OpKind::Embedding:
    return "embedding";
  case OpKind::Copy:
    return "copy";
  case OpKind::Fill:
    return "fill";
  }
  return "unknown";
}

const char *elementwiseFnName(ElementwiseFn fn) {
  switch (fn) {
  case ElementwiseFn::Add:
    return "add";
  case ElementwiseFn::Sub:
    return "sub";
  case ElementwiseFn::Mul:
    return "mul";
  case ElementwiseFn::Div:
    return "div";
  case ElementwiseFn::Maximum:
    return "maximum";
  case ElementwiseFn::Minimum:
    return "minimum";
  case ElementwiseFn::Neg:
    return "neg";
  case ElementwiseFn::Cast:
    return "cast";
  case ElementwiseFn::Swiglu:
    return "swiglu";
  case ElementwiseFn::SigmoidGate:
    return "sigmoid_gate";
  }
  return "unknown";
}

std::string formatGridDim(const GridDim &g) {
  std::string n = g.perToken == 0
                      ? std::to_string(g.fixed)
                      : std::to_string(g.perToken) + "*T" +
                            (g.fixed ? " + " + std::to_string(g.fixed) : "");
  if (g.divisor == 1)
    return n;
  return "ceil((" + n + ") / " + std::to_string(g.divisor) + ")";
}

std::string describePassRecord(const PassRecord &record) {
  std::string out = record.name + ":";
  if (record.statistics.empty())
    return out + " nothing to report";
  for (size_t i = 0; i < record.statistics.size(); ++i) {
    std::string words = record.statistics[i].name;
    std::replace(words.begin(), words.end(), '-', ' ');
    out += (i ? ", " : " ") + std::to_string(record.statistics[i].value) + " " +
           words;
  }
  return out;
}

VariantTokens variantTokens(const Launch &launch, size_t variant) {
  VariantTokens t;
  if (variant > 0)
    t.first = launch.variants[variant - 1].config.maxTokens + 1;
  t.last = launch.variants[variant].config.maxTokens;
  return t;
}

Expected<Window> variantWindow(const Launch &launch, const Dim &keys,
                               size_t variant) {
  const auto &attrs = std::get<AttentionAttrs>(launch.attrs);
  const KernelConfig &config = launch.variants[variant].config;
  VariantTokens t = variantTokens(launch, variant);
  // resolve() has one threshold on the keys, which grow with T: the ends
  // of the bucket decide.
  int64_t last = t.last ? t.last : std::max(t.first, kMaxDimSize);
  Window low = attrs.window.resolve(keys.at(t.first));
  Window high = attrs.window.resolve(keys.at(last));
  std::string bucket = t.last ? cat("T in [", t.first, ", ", t.last, "]")
                              : cat("T >= ", t.first);
  if (low.kind != high.kind)
    return Status::error(
        cat("variants[", variant, "]: the adaptive window's threshold ",
            attrs.window.threshold, " falls inside the bucket (", bucket,
            "): it runs ", windowKindName(low.kind), " and ",
            windowKindName(high.kind), " attention"));
  size_t colon = config.variant.find(':');
  if (colon != std::string::npos &&
      config.variant.substr(colon + 1) != windowKindName(low.kind))
    return Status::error(
        cat("variants[", variant, "].config.variant: '", config.variant,
            "' names the regime '", config.variant.substr(colon + 1), "', but ",
            bucket, " runs ", windowKindName(low.kind), " attention"));
  return low;
}

int elementwiseArity(ElementwiseFn fn) {
  return fn == ElementwiseFn::Neg || fn == ElementwiseFn::Cast ? 1 : 2;
}

bool isOutputDType(DType dtype) {
  return isIndexDType(dtype) || cpu::isComputeFloat(dtype);
}

EntrySignature entrySignature(const Module &module, const EntryPoint &entry) {
  EntrySignature signature;
  signature.function = entry.name;
  // The model's limits; a plan serves every T (a session caps T at the
  // token count its arena is sized for: Session::signature).
  signature.limits = module.limits;
  for (const Port &port : entry.inputs) {
    InputSpec spec;
    spec.name = port.name;
    if (port.buffer < entry.buffers.size()) {
      const Buffer &buffer = entry.buffers[port.buffer];
      spec.dtype = buffer.dtype;
      spec.shape = symbolicShape(buffer.dims);
    }
    spec.typeText = cat(dtypeName(spec.dtype), cpu::shapeToString(spec.shape));
    signature.inputs.push_back(std::move(spec));
  }
  return signature;
}

} // namespace ds
