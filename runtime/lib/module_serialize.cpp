//===- module_serialize.cpp - ds::Module to a `.dsb` flatbuffer -----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One half of the mapping between ds/module.h and runtime/schema/module.fbs
// (module_parse.cpp is the other). The module is verified first, so a
// serialized module always loads.
//
//===----------------------------------------------------------------------===//

#include "ds/module.h"

#include "generated/module_generated.h"

namespace ds {

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

// The schema's enums mirror ds's, value for value.
static_assert(static_cast<int>(fb::DType_I4) == static_cast<int>(DType::I4));
static_assert(static_cast<int>(fb::OpAttrs_FillAttrs) ==
              static_cast<int>(OpKind::Fill) + 1);
static_assert(static_cast<int>(fb::ElementwiseFn_SigmoidGate) ==
              static_cast<int>(ElementwiseFn::SigmoidGate));

class Writer {
public:
  FlatBufferBuilder B{1 << 16};

  /// A string, or absent when empty.
  Offset<flatbuffers::String> str(const std::string &s) {
    return s.empty() ? 0 : B.CreateString(s.data(), s.size());
  }
  Offset<flatbuffers::String> required(const std::string &s) {
    return B.CreateString(s.data(), s.size());
  }
  template <typename T>
  Offset<flatbuffers::Vector<T>> vec(const std::vector<T> &v) {
    return v.empty() ? 0 : B.CreateVector(v);
  }
  Offset<flatbuffers::Vector<const fb::Dim *>> dims(const Dims &dims) {
    std::vector<fb::Dim> v;
    v.reserve(dims.size());
    for (const Dim &d : dims)
      v.emplace_back(d.size, d.tokenScale);
    return B.CreateVectorOfStructs(v);
  }

  Offset<fb::Quant> quant(const std::optional<Quant> &q) {
    if (!q)
      return 0;
    return fb::CreateQuant(B, static_cast<fb::QuantScheme>(q->scheme),
                           q->blockRows, q->blockCols);
  }

  std::pair<fb::OpAttrs, Offset<void>> attrs(const OpAttrs &attrs) {
    auto type = static_cast<fb::OpAttrs>(attrs.index() + 1);
    Offset<void> o;
    switch (static_cast<OpKind>(attrs.index())) {
    case OpKind::Gemm: {
      const auto &a = std::get<GemmAttrs>(attrs);
      o = fb::CreateGemmAttrs(B, quant(a.quant), a.bias, a.swiglu, vec(a.split))
              .Union();
      break;
    }
    case OpKind::GroupedGemm: {
      const auto &a = std::get<GroupedGemmAttrs>(attrs);
      o = fb::CreateGroupedGemmAttrs(B, quant(a.quant), a.swiglu).Union();
      break;
    }
    case OpKind::Attention: {
      const auto &a = std::get<AttentionAttrs>(attrs);
      auto w =
          fb::CreateWindow(B, static_cast<fb::WindowKind>(a.window.kind),
                           a.window.size, a.window.sinks, a.window.threshold);
      o = fb::CreateAttentionAttrs(B, a.scale, w, a.sharedKey, a.blockSparse)
              .Union();
      break;
    }
    case OpKind::Norm: {
      const auto &a = std::get<NormAttrs>(attrs);
      o = fb::CreateNormAttrs(B, a.eps, a.residual).Union();
      break;
    }
    case OpKind::Rope: {
      const auto &a = std::get<RopeAttrs>(attrs);
      Offset<fb::Yarn> yarn = 0;
      if (a.yarn) {
        const Yarn &y = *a.yarn;
        yarn = fb::CreateYarn(B, y.factor, y.originalMaxPositionEmbeddings,
                              y.betaFast, y.betaSlow, y.mscale, y.mscaleAllDim,
                              y.attentionFactor, y.truncate);
      }
      o = fb::CreateRopeAttrs(B, a.theta, static_cast<fb::RopeStyle>(a.style),
                              yarn)
              .Union();
      break;
    }
    case OpKind::Router: {
      const auto &a = std::get<RouterAttrs>(attrs);
      const RouterConfig &c = a.config;
      auto config = fb::CreateRouterConfig(
          B, static_cast<fb::Scoring>(c.scoring),
          static_cast<fb::Selection>(c.selection), c.topK, c.nGroup,
          c.topkGroup, c.normTopkProb, c.routedScalingFactor,
          static_cast<fb::GroupFill>(c.groupFill));
      o = fb::CreateRouterAttrs(B, config, a.bias).Union();
      break;
    }
    case OpKind::Dispatch:
      o = fb::CreateDispatchAttrs(B, std::get<DispatchAttrs>(attrs).numExperts)
              .Union();
      break;
    case OpKind::Combine:
      o = fb::CreateCombineAttrs(B).Union();
      break;
    case OpKind::Elementwise:
      o = fb::CreateElementwiseAttrs(B,
                                     static_cast<fb::ElementwiseFn>(
                                         std::get<ElementwiseAttrs>(attrs).fn))
              .Union();
      break;
    case OpKind::Embedding:
      o = fb::CreateEmbeddingAttrs(B).Union();
      break;
    case OpKind::Copy: {
      const auto &a = std::get<CopyAttrs>(attrs);
      auto so = vec(a.srcOffsets), st = vec(a.srcStrides),
           dof = vec(a.dstOffsets);
      auto sizes = dims(a.sizes);
      o = fb::CreateCopyAttrs(B, so, st, sizes, dof).Union();
      break;
    }
    case OpKind::Fill:
      o = fb::CreateFillAttrs(B, std::get<FillAttrs>(attrs).value).Union();
      break;
    }
    return {type, o};
  }

  Offset<fb::Launch> launch(const Launch &l) {
    auto [type, a] = attrs(l.attrs);
    auto operands = vec(l.operands), results = vec(l.results);
    std::vector<Offset<fb::Variant>> variants;
    for (const Variant &v : l.variants) {
      const KernelConfig &k = v.config;
      auto variant = str(k.variant);
      auto tile = vec(k.tile), cluster = vec(k.cluster);
      auto config = fb::CreateKernelConfig(B, k.maxTokens, variant, tile,
                                           k.stages, k.warps, cluster);
      variants.push_back(fb::CreateVariant(B, config, v.kernel));
    }
    auto vs = variants.empty() ? 0 : B.CreateVector(variants);
    auto location = str(l.location);
    return fb::CreateLaunch(B, type, a, operands, results, vs, location);
  }

  Offset<fb::EntryPoint> entry(const EntryPoint &e) {
    auto name = required(e.name);
    auto ports = [&](const std::vector<Port> &ports) {
      std::vector<Offset<fb::Port>> v;
      for (const Port &p : ports)
        v.push_back(fb::CreatePort(B, required(p.name), p.buffer));
      return B.CreateVector(v);
    };
    auto inputs = ports(e.inputs), outputs = ports(e.outputs);
    std::vector<Offset<fb::Buffer>> buffers;
    for (const Buffer &b : e.buffers) {
      auto bname = str(b.name);
      auto bdims = dims(b.dims);
      buffers.push_back(fb::CreateBuffer(
          B, bname, static_cast<fb::DType>(b.dtype), bdims,
          static_cast<fb::BufferKind>(b.kind), b.offsetPerToken, b.offsetFixed,
          b.parameter, b.source, b.viewOffset, b.input));
    }
    auto bs = B.CreateVector(buffers);
    std::vector<Offset<fb::Launch>> program;
    for (const Launch &l : e.program)
      program.push_back(launch(l));
    auto ps = B.CreateVector(program);
    auto plan = fb::CreatePlan(B, e.plan.maxTokens, e.plan.peakBytes,
                               e.plan.naiveBytes, e.plan.alignment);
    return fb::CreateEntryPoint(B, name, static_cast<fb::EntryKind>(e.kind),
                                inputs, outputs, bs, ps, plan);
  }

  Offset<fb::Kernel> kernel(const Kernel &k) {
    auto name = str(k.name), entry = str(k.entry), source = str(k.source),
         ptx = str(k.ptx), log = str(k.report.log);
    auto cubin = vec(k.cubin);
    const PtxasReport &r = k.report;
    auto report =
        fb::CreatePtxasReport(B, r.registers, r.spillStores, r.spillLoads,
                              r.stackBytes, log, r.sharedBytes);
    fb::BlockDims block(k.block[0], k.block[1], k.block[2]);
    std::vector<fb::GridDim> dims;
    for (const GridDim &g : k.grid)
      dims.emplace_back(g.perToken, g.fixed, g.divisor);
    auto grid = B.CreateVectorOfStructs(dims);
    return fb::CreateKernel(B, name, entry, source, cubin, ptx, &block,
                            k.sharedMemoryBytes, report, grid);
  }

  void module(const Module &m) {
    auto producer = str(m.producer), target = str(m.target),
         model = str(m.model);
    flatbuffers::Optional<int64_t> maxTokens, maxPositions;
    if (m.limits.maxTokens)
      maxTokens = *m.limits.maxTokens;
    if (m.limits.maxPositions)
      maxPositions = *m.limits.maxPositions;
    auto limits = fb::CreateTokenLimits(
        B, maxTokens, str(m.limits.maxTokensSource), maxPositions);
    std::vector<Offset<fb::Parameter>> params;
    for (const ParameterSpec &p : m.parameters) {
      auto name = required(p.name), key = str(p.key);
      auto shape = B.CreateVector(p.shape);
      // The slices read (moe-prune-experts): a "slices" transform, which a
      // runtime that does not know it refuses rather than misreads.
      // The parts joined (moe-fuse-gate-up): a "concat" transform after it.
      std::vector<Offset<fb::Transform>> ts;
      if (!p.slices.empty()) {
        auto kind = str(kSlicesTransform);
        auto args = B.CreateVector(p.slices);
        ts.push_back(fb::CreateTransform(B, kind, args));
      }
      if (p.concatenated()) {
        auto kind = str(kConcatTransform);
        auto args = B.CreateVector(p.concatRows);
        std::vector<Offset<flatbuffers::String>> keys;
        for (const std::string &k : p.concatKeys)
          keys.push_back(required(k));
        ts.push_back(fb::CreateTransform(B, kind, args, B.CreateVector(keys)));
      }
      Offset<flatbuffers::Vector<Offset<fb::Transform>>> transforms = 0;
      if (!ts.empty())
        transforms = B.CreateVector(ts);
      params.push_back(fb::CreateParameter(
          B, name, key, static_cast<fb::DType>(p.dtype), shape, transforms));
    }
    auto ps = B.CreateVector(params);
    std::vector<Offset<fb::Kernel>> kernels;
    for (const Kernel &k : m.kernels)
      kernels.push_back(kernel(k));
    auto ks = B.CreateVector(kernels);
    std::vector<Offset<fb::EntryPoint>> entries;
    for (const EntryPoint &e : m.entries)
      entries.push_back(entry(e));
    auto es = B.CreateVector(entries);
    std::vector<Offset<fb::PassRecord>> passes;
    for (const PassRecord &p : m.passes) {
      auto name = str(p.name);
      std::vector<Offset<fb::PassStatistic>> stats;
      for (const PassStatistic &st : p.statistics)
        stats.push_back(fb::CreatePassStatistic(B, str(st.name), st.value));
      passes.push_back(fb::CreatePassRecord(B, name, B.CreateVector(stats)));
    }
    Offset<flatbuffers::Vector<Offset<fb::PassRecord>>> pr = 0;
    if (!passes.empty())
      pr = B.CreateVector(passes);
    auto root = fb::CreateModule(B, m.formatVersion, producer, target, model,
                                 limits, ps, ks, es, pr);
    fb::FinishModuleBuffer(B, root);
  }
};

} // namespace

Expected<std::vector<uint8_t>> serializeModule(const Module &module) {
  if (Status s = verifyModule(module); !s.ok())
    return Status::error(
        cat("cannot serialize an invalid module: ", s.message()));
  return serializeModuleUnverified(module);
}

std::vector<uint8_t> serializeModuleUnverified(const Module &module) {
  Writer w;
  w.module(module);
  const uint8_t *data = w.B.GetBufferPointer();
  return std::vector<uint8_t>(data, data + w.B.GetSize());
}

} // namespace ds
