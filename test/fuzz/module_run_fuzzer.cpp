//===- module_run_fuzzer.cpp - run the modules that load ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of one `.dsb` module. A module that loads is run on the
// cpu backend at T = 1 .. 3 with synthetic weights (a seeded pattern per
// checkpoint tensor, written to an in-memory safetensors file) and synthetic
// inputs (token ids below the vocab of the embedding reading them, positions
// 0 .. T-1, floats in [-1, 1)), under a 64 MiB memory limit. Modules whose
// weights, arena or work are large are skipped (the fuzzer looks for
// crashes, not for slow models). Errors are fine; a crash, a hang or an OOM
// is a finding, and so is any difference between a session with the value
// cache and one without (every operand decoded from the arena): statuses
// and output bytes must agree (NaNs may differ in payload only).
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "ds/binding.h"
#include "ds/cpu/tensor_ops.h"
#include "ds/module.h"
#include "ds/safetensors.h"
#include "ds/session.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

using namespace ds;

namespace {

constexpr int64_t kMaxWeightBytes = 4 << 20;   // in the checkpoint
constexpr int64_t kMaxDecodedBytes = 16 << 20; // as the reference holds them
constexpr int64_t kMaxArenaBytes = 4 << 20;
constexpr int64_t kMemoryLimit = 64 << 20;
constexpr double kMaxWork = 2e7; // element operations per run, estimated
constexpr int64_t kMaxTokens = 3;

uint32_t mix(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  return x ^ (x >> 16);
}

/// A tensor of `dtype` and `shape` with a seeded pattern, or null when the
/// reference cannot hold that dtype.
std::unique_ptr<cpu::Tensor> pattern(DType dtype, const cpu::Shape &shape,
                                     uint32_t seed, int64_t intBound) {
  int64_t n = cpu::numElements(shape);
  if (cpu::isComputeFloat(dtype)) {
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      v[i] = static_cast<float>(mix(seed + static_cast<uint32_t>(i)) >> 8) /
                 static_cast<float>(1 << 23) -
             1.0f;
    return std::make_unique<cpu::Tensor>(
        cpu::Tensor::floats(dtype, shape, std::move(v)));
  }
  Expected<int64_t> bytes = bufferBytes(dtype, {}, 1, "");
  std::vector<uint8_t> zeros(
      static_cast<size_t>(std::max<int64_t>(bytes ? *bytes : 0, 1) * n + 1));
  Expected<cpu::Tensor> t = cpu::Tensor::decode(
      dtype, shape, zeros.data(), *byteSize(dtype, static_cast<uint64_t>(n)));
  if (!t || t->isFloat())
    return nullptr;
  for (int64_t i = 0; i < n; ++i)
    t->i()[i] =
        intBound > 0
            ? static_cast<int64_t>(mix(seed + static_cast<uint32_t>(i)) %
                                   static_cast<uint32_t>(intBound))
            : 0;
  return std::make_unique<cpu::Tensor>(std::move(t).value());
}

int64_t elems(const EntryPoint &e, uint32_t b, int64_t t) {
  int64_t n = 1;
  for (const Dim &d : e.buffers[b].dims)
    n *= d.at(t);
  return n;
}

/// The element operations of a run at `t`, roughly (bounded sizes: no
/// overflow in doubles).
double work(const EntryPoint &e, int64_t t) {
  double w = 0;
  for (const Launch &l : e.program) {
    for (uint32_t b : l.operands)
      w += static_cast<double>(elems(e, b, t));
    for (uint32_t b : l.results)
      w += static_cast<double>(elems(e, b, t));
    const Buffer &in0 =
        e.buffers[l.operands.empty() ? l.results[0] : l.operands[0]];
    double out = static_cast<double>(elems(e, l.results[0], t));
    switch (l.kind()) {
    case OpKind::Gemm:
    case OpKind::GroupedGemm:
      w += out * static_cast<double>(in0.dims.back().at(t));
      break;
    case OpKind::Attention: // T·T·H·(dq + dv)
      w += static_cast<double>(elems(e, l.operands[0], t) +
                               elems(e, l.results[0], t)) *
           static_cast<double>(t);
      break;
    case OpKind::Router: // T·E·H
      w += static_cast<double>(elems(e, l.operands[0], t)) *
           static_cast<double>(elems(e, l.operands[1], t));
      break;
    default:
      break;
    }
  }
  return w;
}

/// The vocab of the embedding reading input `b`, or 0.
int64_t vocabOf(const EntryPoint &e, uint32_t b) {
  for (const Launch &l : e.program)
    if (l.kind() == OpKind::Embedding && l.operands.size() == 2 &&
        l.operands[1] == b && !e.buffers[l.operands[0]].dims.empty())
      return e.buffers[l.operands[0]].dims[0].at(1);
  return 0;
}

bool sameOutputs(const std::vector<OutputTensor> &a,
                 const std::vector<OutputTensor> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].dtype != b[i].dtype ||
        a[i].shape != b[i].shape || a[i].bytes.size() != b[i].bytes.size())
      return false;
    if (a[i].bytes == b[i].bytes)
      continue;
    // Only NaN payloads may differ.
    Expected<cpu::Tensor> x = cpu::Tensor::decode(
        a[i].dtype, a[i].shape, a[i].bytes.data(), a[i].bytes.size());
    Expected<cpu::Tensor> y = cpu::Tensor::decode(
        b[i].dtype, b[i].shape, b[i].bytes.data(), b[i].bytes.size());
    if (!x || !y || !x->isFloat())
      return false;
    for (size_t k = 0; k < x->f().size(); ++k) {
      float p = x->f()[k], q = y->f()[k];
      if (!(std::isnan(p) && std::isnan(q)) &&
          std::memcmp(&p, &q, sizeof(p)) != 0)
        return false;
    }
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Expected<Module> parsed = parseModule(data, size);
  if (!parsed)
    return 0;
  auto module = std::make_shared<const Module>(std::move(parsed).value());
  const Module &m = *module;

  // Synthetic weights, bounded.
  Expected<ParameterTable> table = ParameterTable::create(m.parameters);
  fuzz::check(table.ok(), "a loaded module's parameters make a table");
  if (table->decodedBytes() > kMaxDecodedBytes)
    return 0;
  std::vector<CheckpointTensorSpec> specs = table->checkpointTensors();
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<TensorToWrite> tensors;
  bytes.reserve(specs.size());
  int64_t total = 0;
  for (const CheckpointTensorSpec &s : specs) {
    std::optional<uint64_t> n =
        byteSize(s.dtype, static_cast<uint64_t>(cpu::numElements(s.shape)));
    if (!n || static_cast<int64_t>(*n) > kMaxWeightBytes - total)
      return 0;
    total += static_cast<int64_t>(*n);
    std::unique_ptr<cpu::Tensor> t =
        pattern(s.dtype, s.shape, static_cast<uint32_t>(bytes.size() * 977), 3);
    bytes.push_back(t ? t->encode() : std::vector<uint8_t>(*n, 0));
    tensors.push_back(
        {s.key, s.dtype, s.shape, bytes.back().data(), bytes.back().size()});
  }
  static fuzz::MemFile weights("weights.safetensors");
  const std::string &path = weights.write(nullptr, 0);
  if (!writeSafetensors(path, tensors).ok())
    return 0; // I4 weights and the like: the writer refuses them

  // Two sessions: with the value cache and without.
  int64_t maxT = kMaxTokens;
  for (const EntryPoint &e : m.entries)
    maxT = std::min(maxT, e.plan.maxTokens);
  std::unique_ptr<Session> sessions[2];
  for (int c = 0; c < 2; ++c) {
    SessionOptions o;
    o.maxTokens = maxT;
    o.memoryLimit = kMemoryLimit;
    o.valueCache = c == 0;
    Expected<std::unique_ptr<Session>> s = Session::create(module, o);
    if (!s)
      return 0;
    if (s.value()->arenaBytes() > kMaxArenaBytes)
      return 0;
    Status bound = s.value()->bindWeights(path);
    if (!bound.ok())
      return 0; // a missing tensor (an empty key) or the memory limit
    sessions[c] = std::move(s).value();
  }

  for (size_t ei = 0; ei < m.entries.size() && ei < 4; ++ei) {
    const EntryPoint &e = m.entries[ei];
    if (work(e, maxT) > kMaxWork)
      continue;
    EntrySignature sig = sessions[0]->signature(e);
    bool dynamic = false;
    for (const InputSpec &in : sig.inputs)
      dynamic |= std::count(in.shape.begin(), in.shape.end(), kDynamicDim) > 0;
    for (int64_t t = 1; t <= (dynamic ? maxT : 1); ++t) {
      std::vector<cpu::Tensor> args;
      bool ok = true;
      for (size_t i = 0; i < sig.inputs.size() && ok; ++i) {
        cpu::Shape shape = sig.inputs[i].shape;
        for (int64_t &d : shape)
          if (d == kDynamicDim)
            d = t;
        int64_t bound = vocabOf(e, e.inputs[i].buffer);
        if (!bound && sig.inputs[i].name == "positions")
          bound = std::min<int64_t>(t, sig.limits.maxPositions.value_or(t));
        std::unique_ptr<cpu::Tensor> a =
            pattern(sig.inputs[i].dtype, shape,
                    static_cast<uint32_t>(i * 31 + t), bound);
        if (!a) {
          ok = false;
          break;
        }
        if (sig.inputs[i].name == "positions" && !a->isFloat())
          for (int64_t k = 0; k < a->numel(); ++k)
            a->i()[k] = bound ? k % bound : 0;
        args.push_back(std::move(*a));
      }
      if (!ok)
        break;
      Status s0 = sessions[0]->run(e, args);
      Status s1 = sessions[1]->run(e, args);
      fuzz::check(s0.ok() == s1.ok(), "the value cache keeps the status");
      if (!s0.ok()) {
        fuzz::check(!s0.message().empty(), "an error has a message");
        continue;
      }
      fuzz::check(sameOutputs(sessions[0]->outputs(), sessions[1]->outputs()),
                  "the value cache keeps the outputs bit for bit");
      for (const OutputTensor &o : sessions[0]->outputs()) {
        fuzz::check(o.bytes.size() ==
                        byteSize(o.dtype, static_cast<uint64_t>(
                                              cpu::numElements(o.shape)))
                            .value_or(~uint64_t(0)),
                    "an output has its shape's bytes");
      }
    }
  }
  return 0;
}
