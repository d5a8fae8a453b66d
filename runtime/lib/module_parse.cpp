//===- module_parse.cpp - a `.dsb` flatbuffer to ds::Module ---------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The loader: the bytes are hostile until proven otherwise. In order:
// the size ceiling, the file identifier, the flatbuffers Verifier (every
// offset, vector and string inside the buffer; bounded depth and table
// count), the format version, every enum value and vector length as it is
// read, then verifyModule() for the cross-references and shapes. Messages
// name the table, the index and the field.
//
//===----------------------------------------------------------------------===//

#include "ds/module.h"

#include "ds/limits.h"

#include "generated/module_generated.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ds {

namespace {

/// The largest module file: 1 GiB (kernels included; no weights inside).
constexpr size_t kMaxModuleBytes = size_t(1) << 30;
/// The flatbuffers Verifier's bounds: nesting depth and tables visited.
constexpr flatbuffers::uoffset_t kMaxDepth = 32;
constexpr flatbuffers::uoffset_t kMaxTables = 1u << 22;
/// The largest operand or result list, and the most variants of a launch.
constexpr size_t kMaxOperands = 64;
constexpr size_t kMaxVariants = 64;

class Reader {
public:
  /// `limit`: the most bytes the parsed module may hold. Tables and strings
  /// can be shared by many offsets, so a small file could otherwise expand
  /// into a huge module.
  explicit Reader(size_t limit) : Limit(limit) {}

  Status Error;

  bool fail(const std::string &message) {
    if (Error.ok())
      Error = Status::error(message);
    return false;
  }

  /// Charges `bytes` to the parse; false (once, with an error) past the limit.
  bool charge(size_t bytes) {
    Used += bytes;
    if (Used <= Limit)
      return true;
    return fail(cat("corrupt ds module: it expands to more than ", Limit,
                    " bytes in memory (shared tables or strings)"));
  }

  std::string str(const flatbuffers::String *s) {
    if (!s || !charge(s->size()))
      return std::string();
    return std::string(s->data(), s->size());
  }

  /// A little-endian scalar at any alignment.
  template <typename T> static T load(const uint8_t *p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return flatbuffers::EndianScalar(v);
  }

  template <typename E>
  bool enumValue(uint8_t raw, E max, E &out, const std::string &where) {
    if (raw > static_cast<uint8_t>(max))
      return fail(cat(where, ": unknown value ", static_cast<int>(raw)));
    out = static_cast<E>(raw);
    return true;
  }

  bool dtype(fb::DType raw, DType &out, const std::string &where) {
    return enumValue(static_cast<uint8_t>(raw), DType::I4, out, where);
  }

  bool dims(const flatbuffers::Vector<const fb::Dim *> *v, Dims &out,
            const std::string &where) {
    out.clear();
    if (!v)
      return true;
    if (v->size() > static_cast<size_t>(kMaxRank))
      return fail(cat(where, ": rank ", v->size(),
                      " is above the largest rank ", kMaxRank));
    if (!charge(v->size() * sizeof(Dim)))
      return false;
    // The Verifier checks a vector's 4-byte alignment, not its elements'
    // (8 for Dim): read the bytes, not the structs.
    const auto *bytes = reinterpret_cast<const uint8_t *>(v->Data());
    for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i)
      out.push_back({load<int64_t>(bytes + i * sizeof(fb::Dim)),
                     load<int64_t>(bytes + i * sizeof(fb::Dim) + 8)});
    return true;
  }

  template <typename T, typename U>
  bool list(const flatbuffers::Vector<T> *v, std::vector<U> &out, size_t max,
            const std::string &where) {
    out.clear();
    if (!v)
      return true;
    if (v->size() > max)
      return fail(cat(where, ": ", v->size(), " elements, more than ", max));
    if (!charge(v->size() * sizeof(U)))
      return false;
    // Element by element from the bytes: a vector is only 4-byte aligned.
    const auto *bytes = reinterpret_cast<const uint8_t *>(v->Data());
    out.reserve(v->size());
    for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i)
      out.push_back(static_cast<U>(load<T>(bytes + i * sizeof(T))));
    return true;
  }

  bool quant(const fb::Quant *q, std::optional<Quant> &out,
             const std::string &where) {
    if (!q)
      return true;
    Quant r;
    if (!enumValue(static_cast<uint8_t>(q->scheme()), QuantScheme::Int4,
                   r.scheme, where + ".scheme"))
      return false;
    r.blockRows = q->block_rows();
    r.blockCols = q->block_cols();
    out = r;
    return true;
  }

  bool attrs(const fb::Launch *l, OpAttrs &out, const std::string &where) {
    std::string at = where + ".attrs";
    switch (l->attrs_type()) {
    case fb::OpAttrs_GemmAttrs: {
      const fb::GemmAttrs *a = l->attrs_as_GemmAttrs();
      GemmAttrs r;
      r.bias = a->bias();
      r.swiglu = a->swiglu();
      if (!quant(a->quant(), r.quant, at + ".quant") ||
          !list(a->split(), r.split, GemmAttrs::kMaxSplit, at + ".split"))
        return false;
      out = r;
      return true;
    }
    case fb::OpAttrs_GroupedGemmAttrs: {
      const fb::GroupedGemmAttrs *a = l->attrs_as_GroupedGemmAttrs();
      GroupedGemmAttrs r;
      r.swiglu = a->swiglu();
      if (!quant(a->quant(), r.quant, at + ".quant"))
        return false;
      out = r;
      return true;
    }
    case fb::OpAttrs_AttentionAttrs: {
      const fb::AttentionAttrs *a = l->attrs_as_AttentionAttrs();
      AttentionAttrs r;
      r.scale = a->scale();
      r.sharedKey = a->shared_key();
      r.blockSparse = a->block_sparse();
      const fb::Window *w = a->window();
      if (!enumValue(static_cast<uint8_t>(w->kind()), WindowKind::Adaptive,
                     r.window.kind, at + ".window.kind"))
        return false;
      r.window.size = w->size();
      r.window.sinks = w->sinks();
      r.window.threshold = w->threshold();
      out = r;
      return true;
    }
    case fb::OpAttrs_NormAttrs: {
      const fb::NormAttrs *a = l->attrs_as_NormAttrs();
      out = NormAttrs{a->eps(), a->residual()};
      return true;
    }
    case fb::OpAttrs_RopeAttrs: {
      const fb::RopeAttrs *a = l->attrs_as_RopeAttrs();
      RopeAttrs r;
      r.theta = a->theta();
      if (!enumValue(static_cast<uint8_t>(a->style()), RopeStyle::Interleaved,
                     r.style, at + ".style"))
        return false;
      if (const fb::Yarn *y = a->yarn()) {
        Yarn yarn;
        yarn.factor = y->factor();
        yarn.originalMaxPositionEmbeddings =
            y->original_max_position_embeddings();
        yarn.betaFast = y->beta_fast();
        yarn.betaSlow = y->beta_slow();
        yarn.mscale = y->mscale();
        yarn.mscaleAllDim = y->mscale_all_dim();
        yarn.attentionFactor = y->attention_factor();
        yarn.truncate = y->truncate();
        r.yarn = yarn;
      }
      out = r;
      return true;
    }
    case fb::OpAttrs_RouterAttrs: {
      const fb::RouterAttrs *a = l->attrs_as_RouterAttrs();
      const fb::RouterConfig *c = a->config();
      RouterAttrs r;
      r.bias = a->bias();
      RouterConfig &rc = r.config;
      if (!enumValue(static_cast<uint8_t>(c->scoring()), Scoring::Sigmoid,
                     rc.scoring, at + ".config.scoring") ||
          !enumValue(static_cast<uint8_t>(c->selection()), Selection::NoauxTc,
                     rc.selection, at + ".config.selection") ||
          !enumValue(static_cast<uint8_t>(c->group_fill()), GroupFill::Zero,
                     rc.groupFill, at + ".config.group_fill"))
        return false;
      rc.topK = c->top_k();
      rc.nGroup = c->n_group();
      rc.topkGroup = c->topk_group();
      rc.normTopkProb = c->norm_topk_prob();
      rc.routedScalingFactor = c->routed_scaling_factor();
      out = r;
      return true;
    }
    case fb::OpAttrs_DispatchAttrs:
      out = DispatchAttrs{l->attrs_as_DispatchAttrs()->num_experts()};
      return true;
    case fb::OpAttrs_CombineAttrs:
      out = CombineAttrs{};
      return true;
    case fb::OpAttrs_ElementwiseAttrs: {
      ElementwiseAttrs r;
      if (!enumValue(static_cast<uint8_t>(l->attrs_as_ElementwiseAttrs()->fn()),
                     ElementwiseFn::SigmoidGate, r.fn, at + ".fn"))
        return false;
      out = r;
      return true;
    }
    case fb::OpAttrs_EmbeddingAttrs:
      out = EmbeddingAttrs{};
      return true;
    case fb::OpAttrs_CopyAttrs: {
      const fb::CopyAttrs *a = l->attrs_as_CopyAttrs();
      CopyAttrs r;
      size_t rank = static_cast<size_t>(kMaxRank);
      if (!list(a->src_offsets(), r.srcOffsets, rank, at + ".src_offsets") ||
          !list(a->src_strides(), r.srcStrides, rank, at + ".src_strides") ||
          !list(a->dst_offsets(), r.dstOffsets, rank, at + ".dst_offsets") ||
          !dims(a->sizes(), r.sizes, at + ".sizes"))
        return false;
      out = std::move(r);
      return true;
    }
    case fb::OpAttrs_FillAttrs:
      out = FillAttrs{l->attrs_as_FillAttrs()->value()};
      return true;
    default:
      return fail(
          cat(at, ": unknown op kind ", static_cast<int>(l->attrs_type())));
    }
  }

  bool launch(const fb::Launch *l, Launch &out, const std::string &where) {
    if (!charge(sizeof(Launch)) || !attrs(l, out.attrs, where) ||
        !list(l->operands(), out.operands, kMaxOperands, where + ".operands") ||
        !list(l->results(), out.results, kMaxOperands, where + ".results"))
      return false;
    out.location = str(l->location());
    if (const auto *vs = l->variants()) {
      if (vs->size() > kMaxVariants)
        return fail(cat(where, ".variants: ", vs->size(),
                        " variants, more than ", kMaxVariants));
      for (flatbuffers::uoffset_t i = 0; i < vs->size(); ++i) {
        const fb::Variant *v = vs->Get(i);
        if (!charge(sizeof(Variant)))
          return false;
        const fb::KernelConfig *c = v->config();
        std::string at = cat(where, ".variants[", i, "].config");
        Variant r;
        r.kernel = v->kernel();
        r.config.maxTokens = c->max_tokens();
        r.config.variant = str(c->variant());
        r.config.stages = c->stages();
        r.config.warps = c->warps();
        size_t rank = static_cast<size_t>(kMaxRank);
        if (!list(c->tile(), r.config.tile, rank, at + ".tile") ||
            !list(c->cluster(), r.config.cluster, rank, at + ".cluster"))
          return false;
        out.variants.push_back(std::move(r));
      }
    }
    return Error.ok();
  }

  bool entry(const fb::EntryPoint *e, EntryPoint &out,
             const std::string &where) {
    out.name = str(e->name());
    if (!enumValue(static_cast<uint8_t>(e->kind()), EntryKind::Stateless,
                   out.kind, where + ".kind"))
      return false;
    if (e->state() && e->state()->size() != 0)
      return fail(cat(where, " '", out.name,
                      "': state: persistent state is not supported by this "
                      "runtime (format version ",
                      kModuleFormatVersion, ")"));
    auto ports = [&](const auto *v, std::vector<Port> &ports,
                     const char *field) {
      if (!v)
        return true;
      for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i) {
        if (!charge(sizeof(Port)))
          return false;
        ports.push_back({str(v->Get(i)->name()), v->Get(i)->buffer()});
      }
      (void)field;
      return Error.ok();
    };
    if (!ports(e->inputs(), out.inputs, "inputs") ||
        !ports(e->outputs(), out.outputs, "outputs"))
      return false;
    if (const auto *bs = e->buffers()) {
      out.buffers.reserve(bs->size());
      for (flatbuffers::uoffset_t i = 0; i < bs->size(); ++i) {
        const fb::Buffer *b = bs->Get(i);
        if (!charge(sizeof(Buffer)))
          return false;
        std::string at = cat(where, ".buffers[", i, "]");
        Buffer r;
        r.name = str(b->name());
        if (!dtype(b->dtype(), r.dtype, at + ".dtype") ||
            !dims(b->dims(), r.dims, at + ".dims") ||
            !enumValue(static_cast<uint8_t>(b->kind()), BufferKind::Input,
                       r.kind, at + ".kind"))
          return false;
        r.offsetPerToken = b->offset_per_token();
        r.offsetFixed = b->offset_fixed();
        r.parameter = b->parameter();
        r.source = b->source();
        r.viewOffset = b->view_offset();
        r.input = b->input();
        if (!Error.ok())
          return false;
        out.buffers.push_back(std::move(r));
      }
    }
    if (const auto *ps = e->program()) {
      if (!charge(ps->size() * sizeof(Launch)))
        return false;
      out.program.resize(ps->size());
      for (flatbuffers::uoffset_t i = 0; i < ps->size(); ++i)
        if (!launch(ps->Get(i), out.program[i],
                    cat(where, ".program[", i, "]")))
          return false;
    }
    const fb::Plan *p = e->plan();
    out.plan = {p->max_tokens(), p->peak_bytes(), p->naive_bytes(),
                p->alignment()};
    return Error.ok();
  }

  bool module(const fb::Module *m, Module &out) {
    out.formatVersion = m->format_version();
    if (out.formatVersion != kModuleFormatVersion)
      return fail(cat("format_version: ", out.formatVersion,
                      ", this runtime reads version ", kModuleFormatVersion));
    out.producer = str(m->producer());
    out.target = str(m->target());
    out.model = str(m->model());
    if (const fb::TokenLimits *l = m->limits()) {
      if (l->max_tokens())
        out.limits.maxTokens = *l->max_tokens();
      if (l->max_positions())
        out.limits.maxPositions = *l->max_positions();
      // Empty is absent (the serializer writes no empty strings).
      if (l->max_tokens_source() && l->max_tokens_source()->size() != 0)
        out.limits.maxTokensSource = str(l->max_tokens_source());
    }
    if (const auto *ps = m->parameters()) {
      for (flatbuffers::uoffset_t i = 0; i < ps->size(); ++i) {
        const fb::Parameter *p = ps->Get(i);
        if (!charge(sizeof(ParameterSpec)))
          return false;
        std::string at = cat("parameters[", i, "]");
        ParameterSpec r;
        r.name = str(p->name());
        r.key = str(p->key());
        if (!dtype(p->dtype(), r.dtype, at + ".dtype") ||
            !list(p->shape(), r.shape, static_cast<size_t>(kMaxRank),
                  at + ".shape"))
          return false;
        if (const auto *ts = p->transforms()) {
          // "slices" then "concat", each at most once.
          int order = 0;
          for (flatbuffers::uoffset_t t = 0; t < ts->size(); ++t) {
            const fb::Transform *tr = ts->Get(t);
            std::string where = cat(at, ".transforms[", t, "]");
            std::string kind = str(tr->kind());
            if (order < 1 && kind == kSlicesTransform) {
              order = 1;
              if (!list(tr->args(), r.slices, static_cast<size_t>(kMaxDimSize),
                        where + ".args"))
                return false;
              continue;
            }
            if (order < 2 && kind == kConcatTransform) {
              order = 2;
              if (!list(tr->args(), r.concatRows,
                        static_cast<size_t>(kMaxDimSize), where + ".args"))
                return false;
              if (const auto *keys = tr->keys()) {
                if (keys->size() > static_cast<size_t>(kMaxDimSize))
                  return fail(cat(where, ".keys: ", keys->size(),
                                  " keys, more than ", kMaxDimSize));
                for (flatbuffers::uoffset_t k = 0; k < keys->size(); ++k) {
                  if (!charge(sizeof(std::string)))
                    return false;
                  r.concatKeys.push_back(str(keys->Get(k)));
                }
              }
              if (r.concatKeys.empty())
                return fail(cat(where, " '", r.name,
                                "': a concat transform without keys"));
              continue;
            }
            return fail(cat(at, " '", r.name, "': transforms[", t, "] '",
                            str(tr->kind()),
                            "': this load-time transform is not supported by "
                            "this runtime (format version ",
                            kModuleFormatVersion, ")"));
          }
        }
        if (!Error.ok())
          return false;
        out.parameters.push_back(std::move(r));
      }
    }
    if (const auto *ks = m->kernels()) {
      for (flatbuffers::uoffset_t i = 0; i < ks->size(); ++i) {
        const fb::Kernel *k = ks->Get(i);
        if (!charge(sizeof(Kernel)))
          return false;
        Kernel r;
        r.name = str(k->name());
        r.entry = str(k->entry());
        r.source = str(k->source());
        r.ptx = str(k->ptx());
        if (k->cubin() && charge(k->cubin()->size()))
          r.cubin.assign(k->cubin()->begin(), k->cubin()->end());
        if (const fb::BlockDims *b = k->block())
          r.block = {b->x(), b->y(), b->z()};
        r.sharedMemoryBytes = k->shared_memory_bytes();
        if (const fb::PtxasReport *p = k->report())
          r.report = {p->registers(),   p->spill_stores(), p->spill_loads(),
                      p->stack_bytes(), str(p->log()),     p->shared_bytes()};
        if (const auto *g = k->grid()) {
          if (g->size() != 3)
            return fail(cat("kernels[", i, "] '", r.name,
                            "': grid: ", g->size(), " dims, a grid has 3"));
          for (flatbuffers::uoffset_t d = 0; d < 3; ++d)
            r.grid[d] = {g->Get(d)->per_token(), g->Get(d)->fixed(),
                         g->Get(d)->divisor()};
        }
        if (!Error.ok())
          return false;
        out.kernels.push_back(std::move(r));
      }
    }
    if (const auto *es = m->entries()) {
      if (!charge(es->size() * sizeof(EntryPoint)))
        return false;
      out.entries.resize(es->size());
      for (flatbuffers::uoffset_t i = 0; i < es->size(); ++i)
        if (!entry(es->Get(i), out.entries[i], cat("entries[", i, "]")))
          return false;
    }
    if (const auto *ps = m->passes()) {
      if (!charge(ps->size() * sizeof(PassRecord)))
        return false;
      for (const fb::PassRecord *p : *ps) {
        PassRecord r;
        r.name = str(p->name());
        if (const auto *stats = p->statistics()) {
          if (!charge(stats->size() * sizeof(PassStatistic)))
            return false;
          for (const fb::PassStatistic *st : *stats)
            r.statistics.push_back({str(st->name()), st->value()});
        }
        out.passes.push_back(std::move(r));
      }
    }
    return Error.ok();
  }

private:
  size_t Limit;
  size_t Used = 0;
};

} // namespace

Expected<Module> parseModule(const uint8_t *data, size_t size) {
  if (size < 8)
    return Status::error(
        cat("not a ds module: ", size, " bytes, too short for a flatbuffer"));
  if (size > kMaxModuleBytes)
    return Status::error(cat("not a ds module: ", size,
                             " bytes, more than the largest module (",
                             kMaxModuleBytes, " bytes)"));
  if (!flatbuffers::BufferHasIdentifier(data, kModuleIdentifier)) {
    std::string id;
    for (size_t i = 4; i < 8; ++i) {
      unsigned char c = data[i];
      id += c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c))
                                  : cat("\\x", "0123456789abcdef"[c >> 4],
                                        "0123456789abcdef"[c & 15]);
    }
    return Status::error(cat("not a ds module: file identifier '", id,
                             "', expected '", kModuleIdentifier, "'"));
  }
  // The Verifier checks alignment relative to the buffer's start: give it an
  // 8-byte aligned copy when the caller's bytes are not.
  std::unique_ptr<uint64_t[]> aligned;
  if (reinterpret_cast<uintptr_t>(data) % 8 != 0) {
    aligned.reset(new uint64_t[(size + 7) / 8]);
    std::memcpy(aligned.get(), data, size);
    data = reinterpret_cast<const uint8_t *>(aligned.get());
  }
  flatbuffers::Verifier::Options options;
  options.max_depth = kMaxDepth;
  options.max_tables = kMaxTables;
  flatbuffers::Verifier verifier(data, size, options);
  if (!fb::VerifyModuleBuffer(verifier))
    return Status::error("corrupt ds module: the flatbuffer does not verify "
                         "(an offset, a vector, a string or a required field "
                         "is out of place or missing)");
  // Everything parsed is bounded by a multiple of the input (each table,
  // string or vector copied once per offset naming it).
  Reader reader(16 * size + (size_t(1) << 20));
  Module module;
  if (!reader.module(fb::GetModule(data), module))
    return reader.Error;
  if (Status s = verifyModule(module); !s.ok())
    return s;
  return module;
}

Expected<Module> loadModuleFile(const std::string &path) {
  auto error = [&](const std::string &message) {
    return Status::error(cat(path, ": ", message));
  };
  // Non-blocking, so a FIFO fails at once instead of hanging.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return error(cat("cannot open: ", std::strerror(errno)));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return error(cat("cannot stat: ", std::strerror(e)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return error("not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size > kMaxModuleBytes) {
    ::close(fd);
    return error(cat(size, " bytes, more than the largest module (",
                     kMaxModuleBytes, " bytes)"));
  }
  std::unique_ptr<uint64_t[]> buffer(new uint64_t[size / 8 + 1]);
  auto *bytes = reinterpret_cast<uint8_t *>(buffer.get());
  size_t done = 0;
  while (done < size) {
    ssize_t n =
        ::pread(fd, bytes + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      return error(n == 0 ? "file shrank while reading"
                          : cat("cannot read: ", std::strerror(e)));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  Expected<Module> module = parseModule(bytes, size);
  if (!module)
    return error(module.message());
  return module;
}

} // namespace ds
