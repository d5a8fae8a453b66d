//===- cpu_backend.cpp - the cpu device: the reference ops over an arena --===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Runs a launch program on the CPU reference (runtime/cpu). Buffers are
// bytes in their dtype: arena buffers at their planned offsets in the
// session's one arena, views at their source's bytes, weights and inputs in
// the tensors bound to them. Each launch decodes its operands
// (cpu::Tensor::decode), calls the reference op that ds-interp calls for the
// moe op the launch came from (interp/EvalMoeOps.cpp, EvalArithOps.cpp,
// EvalTensorOps.cpp), with the result buffers' dtypes as the result dtypes,
// and encodes the results into their buffers. Every value a reference op
// holds is exactly representable in its dtype, so the round trip through the
// arena's bytes is exact and the results are bit-identical to ds-interp.
// Weights are decoded once, when they are bound.
//
// The value cache (SessionOptions::valueCache, on by default): the tensor a
// launch produced, or an operand decoded once, stays attached to its buffer
// for the run, so later consumers take it without decoding; a view over the
// same bytes with another shape takes a reshaped copy. The arena's bytes stay
// authoritative (every result is still encoded; outputs are read from them):
// a store drops every cached value whose bytes it overlaps, a value is
// dropped after the last launch that reads its root, and cached values are
// charged to the memory budget (dropped, not failed, under pressure).
//
//===----------------------------------------------------------------------===//

#include "backend.h"
#include "buffer_layout.h"

#include "ds/cpu/elementwise.h"
#include "ds/cpu/ops.h"
#include "ds/cpu/tensor_ops.h"
#include "ds/limits.h"
#include "ds/memory.h"

#include <chrono>
#include <cstring>
#include <map>
#include <memory>

namespace ds {

namespace {

cpu::BinaryFn binaryFn(ElementwiseFn fn) {
  switch (fn) {
  case ElementwiseFn::Sub:
    return cpu::BinaryFn::Sub;
  case ElementwiseFn::Mul:
    return cpu::BinaryFn::Mul;
  case ElementwiseFn::Div:
    return cpu::BinaryFn::Div;
  case ElementwiseFn::Maximum:
    return cpu::BinaryFn::Maximum;
  case ElementwiseFn::Minimum:
    return cpu::BinaryFn::Minimum;
  default:
    return cpu::BinaryFn::Add;
  }
}

class CpuBackend final : public Backend {
public:
  CpuBackend(const Module &module, int64_t arenaBytes, int64_t memoryLimit,
             bool valueCache, RoutingProfile *routing)
      : M(module), Budget(memoryLimit), ValueCache(valueCache),
        Routing(routing) {
    ArenaSize = arenaBytes;
  }

  Status allocate() {
    if (Status s = Budget.reserve(ArenaSize, "the arena"); !s.ok())
      return s;
    Arena.assign(static_cast<size_t>(ArenaSize), 0);
    return Status::success();
  }

  Status bindWeights(const ParameterTable &table,
                     const Checkpoint &checkpoint) override {
    if (Status s = Budget.reserve(table.decodedBytes(), "the decoded weights");
        !s.ok())
      return s;
    Params.clear();
    Params.reserve(table.parameters().size());
    for (const ParameterSpec &p : table.parameters()) {
      Expected<cpu::Tensor> t = decodeParameter(p, checkpoint);
      if (!t)
        return t.status();
      Params.push_back(std::move(t).value());
    }
    ParamBytes.assign(Params.size(), std::nullopt);
    return Status::success();
  }

  Status run(const EntryPoint &entry, int64_t tokens,
             std::vector<cpu::Tensor> args, std::vector<OutputTensor> &outputs,
             std::vector<LaunchTiming> &timings) override {
    if (Routing)
      Routing->beginRun();
    Run r(*this, entry, tokens, std::move(args));
    r.argBytes.assign(r.args.size(), std::nullopt);
    r.prepare();
    int64_t held = 0;
    for (const cpu::Tensor &a : r.args)
      held += cpu::heldBytes(a);
    if (Status s = Budget.reserve(held, "the inputs"); !s.ok())
      return s;
    Status s = r.program(timings);
    if (s.ok())
      s = r.collect(outputs);
    r.dropAll();
    Budget.release(held);
    return s;
  }

private:
  /// The state of one run.
  struct Run {
    CpuBackend &B;
    const EntryPoint &E;
    Layout L;
    int64_t T;
    std::vector<cpu::Tensor> args;
    std::vector<std::optional<std::vector<uint8_t>>> argBytes;

    Run(CpuBackend &backend, const EntryPoint &entry, int64_t tokens,
        std::vector<cpu::Tensor> arguments)
        : B(backend), E(entry), L(entry), T(tokens),
          args(std::move(arguments)) {}

    /// Per buffer at T: the arena byte offset (-1: not in the arena) and the
    /// byte size; per root: the last launch that reads it (-1: none).
    std::vector<int64_t> start, size, lastRead;
    /// The value cache: per buffer, its value and the bytes charged for it.
    struct Cached {
      std::shared_ptr<const cpu::Tensor> value;
      int64_t held = 0;
    };
    std::vector<Cached> cache;
    std::vector<uint32_t> cached; ///< the buffers with a value, any order
    /// The values the current launch holds (a cache drop leaves them alive).
    std::vector<std::shared_ptr<const cpu::Tensor>> pins;

    void prepare() {
      size_t n = E.buffers.size();
      start.assign(n, -1);
      size.assign(n, 0);
      lastRead.assign(n, -1);
      cache.assign(n, {});
      for (size_t b = 0; b < n; ++b) {
        const Buffer &buf = E.buffers[b];
        Expected<int64_t> bytes = bufferBytes(buf.dtype, buf.dims, T, "");
        size[b] = bytes ? *bytes : 0;
        const Buffer &r = E.buffers[L.root[b]];
        if (r.kind == BufferKind::Arena)
          start[b] = r.offsetPerToken * T + r.offsetFixed + L.offset[b];
      }
      for (size_t i = 0; i < E.program.size(); ++i)
        for (uint32_t b : E.program[i].operands)
          lastRead[L.root[b]] = static_cast<int64_t>(i);
    }

    void drop(uint32_t b) {
      B.Budget.release(cache[b].held);
      cache[b] = {};
    }
    void dropAll() {
      for (uint32_t b : cached)
        drop(b);
      cached.clear();
    }
    /// Drops the cached values `keep` rejects.
    template <typename Pred> void dropIf(Pred drops) {
      size_t kept = 0;
      for (uint32_t b : cached) {
        if (drops(b))
          drop(b);
        else
          cached[kept++] = b;
      }
      cached.resize(kept);
    }
    /// Charges `bytes` for `what`, dropping cached values the current launch
    /// does not hold when they are in the way.
    Status reserve(int64_t bytes, const std::string &what) {
      Status s = B.Budget.reserve(bytes, what);
      if (s.ok() || cached.empty())
        return s;
      dropIf([&](uint32_t b) { return cache[b].value.use_count() == 1; });
      return B.Budget.reserve(bytes, what);
    }
    Status check(int64_t bytes, const std::string &what) {
      Status s = B.Budget.check(bytes, what);
      if (s.ok() || cached.empty())
        return s;
      dropIf([&](uint32_t b) { return cache[b].value.use_count() == 1; });
      return B.Budget.check(bytes, what);
    }
    /// Attaches `value` to buffer `b` when the budget allows.
    const cpu::Tensor *remember(uint32_t b,
                                std::shared_ptr<const cpu::Tensor> value) {
      pins.push_back(value);
      if (!B.ValueCache || cache[b].value)
        return pins.back().get();
      int64_t held = cpu::heldBytes(*value);
      if (!reserve(held, "a cached value").ok())
        return pins.back().get();
      cache[b] = {std::move(value), held};
      cached.push_back(b);
      return pins.back().get();
    }

    Status error(size_t index, const Launch &l, const std::string &message) {
      return Status::error(
          cat("@", E.name, ": program[", index, "] (", opKindName(l.kind()),
              l.location.empty() ? "" : " at ", l.location, "): ", message));
    }

    /// The bytes of buffer `b` at T: a pointer and the bytes available from
    /// it in its root.
    struct Bytes {
      uint8_t *data = nullptr;
      int64_t size = 0;
    };
    Bytes bytesOf(uint32_t b) {
      uint32_t root = L.root[b];
      const Buffer &r = E.buffers[root];
      int64_t off = L.offset[b];
      switch (r.kind) {
      case BufferKind::Arena: {
        int64_t start = r.offsetPerToken * T + r.offsetFixed + off;
        return {B.Arena.data() + start, B.ArenaSize - start};
      }
      case BufferKind::Weight: {
        std::optional<std::vector<uint8_t>> &bytes = B.ParamBytes[r.parameter];
        if (!bytes)
          bytes = B.Params[r.parameter].encode();
        return {bytes->data() + off, static_cast<int64_t>(bytes->size()) - off};
      }
      case BufferKind::Input: {
        std::optional<std::vector<uint8_t>> &bytes = argBytes[r.input];
        if (!bytes)
          bytes = args[r.input].encode();
        return {bytes->data() + off, static_cast<int64_t>(bytes->size()) - off};
      }
      case BufferKind::View:
        break;
      }
      return {};
    }

    /// Operand `b` decoded (weights and inputs as they are bound; views of
    /// weights decoded once per session; other values from the cache when
    /// they are there). Values not held by the session or the cache are
    /// charged to `tempBytes` and held in `pins` until the launch ends.
    Expected<const cpu::Tensor *> operand(uint32_t b, int64_t &tempBytes) {
      const Buffer &buf = E.buffers[b];
      if (buf.kind == BufferKind::Weight)
        return &B.Params[buf.parameter];
      if (buf.kind == BufferKind::Input)
        return &args[buf.input];
      bool weightView = E.buffers[L.root[b]].kind == BufferKind::Weight;
      auto key = std::make_pair(&E, b);
      if (weightView) {
        auto it = B.WeightViews.find(key);
        if (it != B.WeightViews.end())
          return &it->second;
      }
      if (!weightView && B.ValueCache && cache[b].value) {
        pins.push_back(cache[b].value);
        return pins.back().get();
      }
      cpu::Shape shape = resolveDims(buf.dims, T);
      if (!weightView && B.ValueCache) {
        // The same bytes under another shape: a reshaped copy.
        for (uint32_t c : cached) {
          const cpu::Tensor &v = *cache[c].value;
          if (L.root[c] != L.root[b] || L.offset[c] != L.offset[b] ||
              size[c] != size[b] || v.dtype() != buf.dtype ||
              v.numel() != cpu::numElements(shape))
            continue;
          Expected<cpu::Tensor> t = v.reshaped(shape);
          if (!t)
            break;
          return remember(
              b, std::make_shared<const cpu::Tensor>(std::move(t).value()));
        }
      }
      Expected<int64_t> size =
          bufferBytes(buf.dtype, buf.dims, T, cat("buffer ", b));
      if (!size)
        return size.status();
      Expected<int64_t> held = cpu::heldBytes(buf.dtype, shape, buf.name);
      if (!held)
        return held.status();
      std::string what = cat("buffer ", b, " '", buf.name, "'");
      if (Status s = reserve(*held, what); !s.ok())
        return s;
      Bytes bytes = bytesOf(b);
      if (*size > bytes.size) // the verifier rules this out
        return Status::error(
            cat(what, ": ", *size, " bytes, ", bytes.size, " available"));
      Expected<cpu::Tensor> t = cpu::Tensor::decode(
          buf.dtype, shape, bytes.data, static_cast<size_t>(*size));
      if (!t) {
        B.Budget.release(*held);
        return Status::error(cat(what, ": ", t.message()));
      }
      if (weightView) // held for the session
        return &B.WeightViews.emplace(key, std::move(t).value()).first->second;
      auto value = std::make_shared<const cpu::Tensor>(std::move(t).value());
      pins.push_back(value);
      if (B.ValueCache && !cache[b].value) { // the charge moves to the cache
        cache[b] = {std::move(value), *held};
        cached.push_back(b);
      } else {
        tempBytes += *held; // released when the launch ends
      }
      return pins.back().get();
    }

    Status store(uint32_t b, cpu::Tensor t) {
      const Buffer &buf = E.buffers[b];
      cpu::Shape shape = resolveDims(buf.dims, T);
      if (t.dtype() != buf.dtype || t.shape() != shape)
        return Status::error(cat("result for buffer ", b, " '", buf.name,
                                 "' is ", t.typeString(), ", the buffer is ",
                                 dtypeName(buf.dtype),
                                 cpu::shapeToString(shape)));
      Bytes dst = bytesOf(b);
      if (static_cast<int64_t>(t.encodedBytes()) > dst.size)
        return Status::error(
            cat("result for buffer ", b, " '", buf.name, "' does not fit"));
      if (t.encodedBytes() > 0)
        t.encodeTo(dst.data);
      if (!B.ValueCache)
        return Status::success();
      // Every value over these bytes is stale, b's own too.
      int64_t s0 = start[b], s1 = start[b] + size[b];
      dropIf([&](uint32_t c) {
        return c == b ||
               (start[c] >= 0 && start[c] < s1 && s0 < start[c] + size[c]);
      });
      remember(b, std::make_shared<const cpu::Tensor>(std::move(t)));
      return Status::success();
    }

    Status program(std::vector<LaunchTiming> &timings) {
      timings.clear();
      timings.reserve(E.program.size());
      for (size_t i = 0; i < E.program.size(); ++i) {
        const Launch &l = E.program[i];
        auto start = std::chrono::steady_clock::now();
        int64_t tempBytes = 0;
        std::vector<const cpu::Tensor *> in;
        Status s;
        for (uint32_t b : l.operands) {
          Expected<const cpu::Tensor *> t = operand(b, tempBytes);
          if (!t) {
            s = t.status();
            break;
          }
          in.push_back(*t);
        }
        if (s.ok()) {
          // The results' held bytes must fit next to the operands.
          int64_t resultBytes = 0;
          for (uint32_t b : l.results) {
            const Buffer &buf = E.buffers[b];
            Expected<int64_t> held =
                cpu::heldBytes(buf.dtype, resolveDims(buf.dims, T), buf.name);
            if (held)
              resultBytes += *held;
          }
          if (!B.Budget.check(resultBytes, "").ok()) // the message if needed
            s = check(resultBytes, cat("the results of program[", i, "] (",
                                       opKindName(l.kind()), ")"));
        }
        if (s.ok()) {
          Expected<std::vector<cpu::Tensor>> out = compute(l, in);
          if (!out)
            s = out.status();
          else
            for (size_t r = 0; r < l.results.size() && s.ok(); ++r)
              s = store(l.results[r], std::move((*out)[r]));
        }
        pins.clear();
        B.Budget.release(tempBytes);
        // Values no later launch reads.
        dropIf([&](uint32_t c) {
          return lastRead[L.root[c]] <= static_cast<int64_t>(i);
        });
        if (!s.ok())
          return error(i, l, s.message());
        auto end = std::chrono::steady_clock::now();
        timings.push_back(
            {l.kind(), l.location,
             std::chrono::duration<double, std::micro>(end - start).count()});
      }
      return Status::success();
    }

    DType out(const Launch &l, size_t r = 0) const {
      return E.buffers[l.results[r]].dtype;
    }

    /// The reference op of `l` on its decoded operands (the operand order
    /// of ds/module.h).
    Expected<std::vector<cpu::Tensor>>
    compute(const Launch &l, const std::vector<const cpu::Tensor *> &in) {
      using Result = Expected<std::vector<cpu::Tensor>>;
      auto one = [](Expected<cpu::Tensor> t) -> Result {
        if (!t)
          return t.status();
        std::vector<cpu::Tensor> v;
        v.push_back(std::move(t).value());
        return v;
      };
      switch (l.kind()) {
      case OpKind::Gemm: {
        const auto &a = std::get<GemmAttrs>(l.attrs);
        size_t next = 2;
        const cpu::Tensor *scales = a.quant ? in[next++] : nullptr;
        const cpu::Tensor *bias = a.bias ? in[next++] : nullptr;
        if (a.swiglu)
          return one(
              cpu::linearSwiGLU(*in[0], *in[1], scales, a.quant, out(l)));
        if (!a.split.empty())
          return cpu::linearSplit(*in[0], *in[1], scales, bias, a.quant,
                                  a.split, out(l));
        return one(cpu::linear(*in[0], *in[1], scales, bias, a.quant, out(l)));
      }
      case OpKind::GroupedGemm: {
        const auto &a = std::get<GroupedGemmAttrs>(l.attrs);
        const cpu::Tensor *scales = a.quant ? in[3] : nullptr;
        if (a.swiglu)
          return one(cpu::groupedMatmulSwiGLU(*in[0], *in[1], *in[2], scales,
                                              a.quant, out(l)));
        return one(cpu::groupedMatmul(*in[0], *in[1], *in[2], scales, a.quant,
                                      out(l)));
      }
      case OpKind::Attention: {
        const auto &a = std::get<AttentionAttrs>(l.attrs);
        return one(cpu::attention(*in[0], *in[1], *in[2],
                                  a.sharedKey ? in[3] : nullptr, a.scale,
                                  a.window, out(l)));
      }
      case OpKind::Norm: {
        const auto &a = std::get<NormAttrs>(l.attrs);
        if (!a.residual)
          return one(cpu::rmsNorm(*in[0], *in[1], a.eps, out(l)));
        Expected<cpu::AddRmsNormResult> r =
            cpu::addRmsNorm(*in[0], *in[1], *in[2], a.eps, out(l));
        if (!r)
          return r.status();
        std::vector<cpu::Tensor> v;
        v.push_back(std::move(r->normed));
        v.push_back(std::move(r->sum));
        return v;
      }
      case OpKind::Rope: {
        const auto &a = std::get<RopeAttrs>(l.attrs);
        return one(cpu::rope(*in[0], *in[1], a.theta, a.style, a.yarn, out(l)));
      }
      case OpKind::Router: {
        const auto &a = std::get<RouterAttrs>(l.attrs);
        Expected<cpu::RouterResult> r = cpu::router(
            *in[0], *in[1], a.bias ? in[2] : nullptr, a.config, out(l));
        if (!r)
          return r.status();
        if (B.Routing)
          if (Status s = B.Routing->record(in[1]->dim(0), r->indices); !s.ok())
            return s;
        std::vector<cpu::Tensor> v;
        v.push_back(std::move(r->weights));
        v.push_back(std::move(r->indices));
        return v;
      }
      case OpKind::Dispatch: {
        const auto &a = std::get<DispatchAttrs>(l.attrs);
        Expected<cpu::DispatchResult> r =
            cpu::dispatch(*in[0], *in[1], a.numExperts, out(l));
        if (!r)
          return r.status();
        std::vector<cpu::Tensor> v;
        v.push_back(std::move(r->rows));
        v.push_back(std::move(r->permutation));
        v.push_back(std::move(r->offsets));
        return v;
      }
      case OpKind::Combine:
        return one(cpu::combine(*in[0], *in[1], *in[2], out(l)));
      case OpKind::Elementwise: {
        ElementwiseFn fn = std::get<ElementwiseAttrs>(l.attrs).fn;
        switch (fn) {
        case ElementwiseFn::Neg:
          return one(cpu::unary(cpu::UnaryFn::Neg, *in[0], out(l)));
        case ElementwiseFn::Cast:
          return one(cpu::unary(cpu::UnaryFn::Cast, *in[0], out(l)));
        case ElementwiseFn::Swiglu:
          return one(cpu::swiglu(*in[0], *in[1], out(l)));
        case ElementwiseFn::SigmoidGate:
          return one(cpu::sigmoidGate(*in[0], *in[1], out(l)));
        default:
          return one(cpu::binary(binaryFn(fn), *in[0], *in[1], out(l)));
        }
      }
      case OpKind::Embedding:
        return one(cpu::embedding(*in[0], *in[1], out(l)));
      case OpKind::Copy: {
        const auto &a = std::get<CopyAttrs>(l.attrs);
        const cpu::Tensor &src = *in[0];
        cpu::Shape sizes;
        for (size_t d = 0; d < a.sizes.size(); ++d)
          sizes.push_back(a.sizes[d].dynamic() ? src.dim(d) : a.sizes[d].size);
        Expected<cpu::Tensor> box =
            cpu::extractSlice(src, a.srcOffsets, sizes, a.srcStrides);
        if (!box)
          return box.status();
        // The destination keeps its bytes outside the box.
        int64_t tempBytes = 0;
        Expected<const cpu::Tensor *> dst = operand(l.results[0], tempBytes);
        if (!dst) {
          B.Budget.release(tempBytes);
          return dst.status();
        }
        cpu::Tensor result = **dst;
        Status s = cpu::insertSlice(result, *box, a.dstOffsets);
        B.Budget.release(tempBytes);
        if (!s.ok())
          return s;
        std::vector<cpu::Tensor> v;
        v.push_back(std::move(result));
        return v;
      }
      case OpKind::Fill: {
        const auto &a = std::get<FillAttrs>(l.attrs);
        const Buffer &dst = E.buffers[l.results[0]];
        cpu::Shape shape = resolveDims(dst.dims, T);
        if (cpu::isComputeFloat(dst.dtype))
          return one(cpu::splatFloat(dst.dtype, shape, a.value));
        return one(
            cpu::splatInt(dst.dtype, shape, static_cast<int64_t>(a.value)));
      }
      }
      return Status::error("unknown op kind");
    }

    Status collect(std::vector<OutputTensor> &outputs) {
      outputs.clear();
      for (const Port &p : E.outputs) {
        Expected<OutputTensor> out = outputFor(E, p, T);
        if (!out)
          return out.status();
        Bytes bytes = bytesOf(p.buffer);
        if (static_cast<int64_t>(out->bytes.size()) > bytes.size)
          return Status::error(cat("output '", p.name, "' does not fit"));
        if (!out->bytes.empty())
          std::memcpy(out->bytes.data(), bytes.data, out->bytes.size());
        outputs.push_back(std::move(out).value());
      }
      return Status::success();
    }
  };

  const Module &M;
  MemoryBudget Budget;
  bool ValueCache = true;
  RoutingProfile *Routing = nullptr;
  int64_t ArenaSize = 0;
  std::vector<uint8_t> Arena;
  std::vector<cpu::Tensor> Params;
  std::vector<std::optional<std::vector<uint8_t>>> ParamBytes;
  std::map<std::pair<const EntryPoint *, uint32_t>, cpu::Tensor> WeightViews;
};

} // namespace

Expected<std::unique_ptr<Backend>>
createCpuBackend(const Module &module, int64_t arenaBytes, int64_t memoryLimit,
                 bool valueCache, RoutingProfile *routing) {
  auto backend = std::make_unique<CpuBackend>(module, arenaBytes, memoryLimit,
                                              valueCache, routing);
  if (Status s = backend->allocate(); !s.ok())
    return s;
  return std::unique_ptr<Backend>(std::move(backend));
}

} // namespace ds
