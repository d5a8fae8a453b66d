//===- module_verify.cpp - every rule of a module before its first launch -===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// verifyModule(): the cross-references and shape rules of docs/compile-path.md
// §4 on a ds::Module, whether it was parsed from a `.dsb` (hostile) or built
// by the compiler's writer. Every size is overflow-checked against the
// ceilings of ds/limits.h; every message names the table, the index and the
// field, e.g.
//   entries[0].program[12] (gemm at model.mlir:3:5): operand 1 (buffer 7
//   'w'): expected rank 2, got 3
//
//===----------------------------------------------------------------------===//

#include "ds/module.h"

#include "ds/cpu/tensor.h"
#include "ds/limits.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

namespace ds {

namespace {

/// The largest arena (and plan byte count) a module may ask for: 2^46 bytes,
/// far above any device and far below int64 overflow.
constexpr int64_t kMaxArenaBytes = int64_t(1) << 46;
/// The largest plan alignment.
constexpr int64_t kMaxAlignment = int64_t(1) << 20;
/// The granule of a per-token offset (when the plan's alignment is larger).
constexpr int64_t kPerTokenAlignment = 16;

std::string dimText(const Dim &d) {
  if (!d.dynamic())
    return std::to_string(d.size);
  return d.tokenScale == 1 ? "T" : cat(d.tokenScale, "·T");
}

std::string dimsText(const Dims &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + dimText(dims[i]);
  return s + "]";
}

std::string typeText(const Buffer &b) {
  return cat(dtypeName(b.dtype), dimsText(b.dims));
}

bool finite(double v) { return std::isfinite(v); }

/// Verifies one entry point of `module`.
class EntryVerifier {
public:
  EntryVerifier(const Module &module, size_t index)
      : M(module), E(module.entries[index]),
        Prefix(cat("entries[", index, "]")) {}

  Status run() {
    if (Status s = verifyPlan(); !s.ok())
      return s;
    for (size_t i = 0; i < E.buffers.size(); ++i)
      if (Status s = verifyBuffer(i); !s.ok())
        return s;
    if (Status s = verifyPorts(); !s.ok())
      return s;
    for (size_t i = 0; i < E.program.size(); ++i)
      if (Status s = verifyLaunch(i); !s.ok())
        return s;
    return verifyArenaUses();
  }

private:
  Status error(const std::string &message) const {
    return Status::error(cat(Prefix, ": ", message));
  }

  Status verifyPlan() {
    const Plan &p = E.plan;
    if (E.name.empty())
      return error("name: empty");
    if (p.maxTokens < 1 || p.maxTokens > kMaxDimSize)
      return error(cat("plan.max_tokens: ", p.maxTokens, " is outside [1, ",
                       kMaxDimSize, "]"));
    if (p.peakBytes < 0 || p.peakBytes > kMaxArenaBytes)
      return error(cat("plan.peak_bytes: ", p.peakBytes, " is outside [0, ",
                       kMaxArenaBytes, "]"));
    if (p.naiveBytes < 0 || p.naiveBytes > kMaxArenaBytes)
      return error(cat("plan.naive_bytes: ", p.naiveBytes, " is outside [0, ",
                       kMaxArenaBytes, "]"));
    if (p.alignment < 1 || p.alignment > kMaxAlignment ||
        (p.alignment & (p.alignment - 1)) != 0)
      return error(cat("plan.alignment: ", p.alignment,
                       " is not a power of two in [1, ", kMaxAlignment, "]"));
    return Status::success();
  }

  Status bufferError(size_t i, const std::string &message) const {
    return error(cat("buffers[", i, "] '", E.buffers[i].name, "': ", message));
  }

  Status verifyBuffer(size_t i) {
    const Buffer &b = E.buffers[i];
    if (b.dims.size() > static_cast<size_t>(kMaxRank))
      return bufferError(i, cat("dims: rank ", b.dims.size(),
                                " is above the largest rank ", kMaxRank));
    if (static_cast<uint8_t>(b.dtype) > static_cast<uint8_t>(DType::I4))
      return bufferError(
          i, cat("dtype: unknown dtype ", static_cast<int>(b.dtype)));
    if (!cpu::isComputeFloat(b.dtype) && !isIndexDType(b.dtype) &&
        b.dtype != DType::I4)
      return bufferError(i, cat("dtype: ", dtypeName(b.dtype),
                                " is not a dtype the runtime holds"));
    for (size_t d = 0; d < b.dims.size(); ++d) {
      const Dim &dim = b.dims[d];
      if (dim.tokenScale < 0 || dim.tokenScale > kMaxDimSize ||
          (dim.dynamic() && dim.size != 0))
        return bufferError(i, cat("dims[", d, "]: token_scale ", dim.tokenScale,
                                  " (size ", dim.size, ") is not 0 or in [1, ",
                                  kMaxDimSize, "] with size 0"));
      if (!dim.dynamic() && (dim.size < 0 || dim.size > kMaxDimSize))
        return bufferError(i, cat("dims[", d, "]: size ", dim.size,
                                  " is outside [0, ", kMaxDimSize, "]"));
      if (dim.dynamic() && d != 0)
        return bufferError(i, cat("dims[", d,
                                  "]: only the leading dim may "
                                  "be dynamic"));
      if (dim.dynamic() &&
          dim.tokenScale * E.plan.maxTokens > kMaxDimSize) // no overflow
        return bufferError(i, cat("dims[", d, "]: ", dimText(dim), " at ",
                                  E.plan.maxTokens, " tokens is above ",
                                  kMaxDimSize));
    }
    std::string what = cat(Prefix, ".buffers[", i, "] '", b.name, "'");
    Expected<int64_t> atMax =
        bufferBytes(b.dtype, b.dims, E.plan.maxTokens, what);
    if (!atMax)
      return atMax.status();
    Expected<int64_t> atOne = bufferBytes(b.dtype, b.dims, 1, what);
    if (!atOne)
      return atOne.status();
    BytesAtMax.push_back(*atMax);
    BytesAtOne.push_back(*atOne);
    Root.push_back(static_cast<uint32_t>(i));
    RootOffset.push_back(0);

    switch (b.kind) {
    case BufferKind::Arena: {
      if (b.offsetPerToken < 0 || b.offsetFixed < 0 ||
          b.offsetPerToken > kMaxArenaBytes || b.offsetFixed > kMaxArenaBytes)
        return bufferError(i, cat("offset: [", b.offsetPerToken, ", ",
                                  b.offsetFixed, "] is outside [0, ",
                                  kMaxArenaBytes, "]"));
      // The planner's granules (docs/compile-path.md §3): the fixed part of
      // an offset is a multiple of the alignment, the per-token part a
      // multiple of 16 (or of a smaller alignment), so every buffer starts
      // 16-byte aligned at any T.
      if (b.offsetPerToken % perTokenAlignment() != 0 ||
          b.offsetFixed % E.plan.alignment != 0)
        return bufferError(
            i,
            cat("offset: [", b.offsetPerToken, ", ", b.offsetFixed,
                "] is not aligned: the per-token part to ", perTokenAlignment(),
                " bytes, the fixed part to the plan's ", E.plan.alignment));
      // offset + bytes is a·T + b with a, b >= 0: largest at maxTokens.
      // (Each term is below 2^46 · 2^24; the sums stay far from overflow.)
      int64_t end =
          b.offsetPerToken * E.plan.maxTokens + b.offsetFixed + *atMax;
      if (end > E.plan.peakBytes)
        return bufferError(
            i, cat("ends at byte ", end, " at ", E.plan.maxTokens,
                   " tokens, beyond the plan's peak_bytes ", E.plan.peakBytes));
      break;
    }
    case BufferKind::Weight: {
      if (b.parameter >= M.parameters.size())
        return bufferError(i, cat("parameter: index ", b.parameter,
                                  " is out of range (", M.parameters.size(),
                                  " parameters)"));
      const ParameterSpec &p = M.parameters[b.parameter];
      if (p.dtype != b.dtype || symbolicShape(b.dims) != p.shape)
        return bufferError(i,
                           cat("is ", typeText(b), ", parameter ", b.parameter,
                               " '", p.name, "' is ", dtypeName(p.dtype),
                               cpu::shapeToString(p.shape)));
      break;
    }
    case BufferKind::View: {
      if (b.source >= i)
        return bufferError(
            i, cat("source: index ", b.source, " is not an earlier buffer"));
      const Buffer &src = E.buffers[b.source];
      if (src.dtype != b.dtype)
        return bufferError(i, cat("is ", typeText(b), ", its source buffer ",
                                  b.source, " '", src.name, "' is ",
                                  typeText(src), " (a view keeps the dtype)"));
      if (b.viewOffset < 0 || b.viewOffset > kMaxArenaBytes)
        return bufferError(i, cat("view_offset: ", b.viewOffset,
                                  " is outside [0, ", kMaxArenaBytes, "]"));
      // Both sizes are linear in T: inside at 1 and at maxTokens is inside
      // everywhere in between.
      if (b.viewOffset + *atOne > BytesAtOne[b.source] ||
          b.viewOffset + *atMax > BytesAtMax[b.source])
        return bufferError(
            i, cat("view of ", *atMax, " bytes at offset ", b.viewOffset,
                   " is outside its source buffer ", b.source, " '", src.name,
                   "' ", typeText(src), " (", BytesAtMax[b.source],
                   " bytes at ", E.plan.maxTokens, " tokens)"));
      Root[i] = Root[b.source];
      RootOffset[i] = RootOffset[b.source] + b.viewOffset;
      break;
    }
    case BufferKind::Input: {
      if (b.input >= E.inputs.size())
        return bufferError(i,
                           cat("input: index ", b.input, " is out of range (",
                               E.inputs.size(), " inputs)"));
      if (E.inputs[b.input].buffer != i)
        return bufferError(i, cat("input: input ", b.input, " '",
                                  E.inputs[b.input].name, "' is buffer ",
                                  E.inputs[b.input].buffer, ", not this one"));
      for (const Dim &d : b.dims)
        if (d.dynamic() && d.tokenScale != 1)
          return bufferError(
              i, cat("an input's dynamic dim must be T, got ", dimText(d)));
      break;
    }
    default:
      return bufferError(i,
                         cat("kind: unknown kind ", static_cast<int>(b.kind)));
    }
    return Status::success();
  }

  Status verifyPorts() {
    std::set<std::string, std::less<>> names;
    for (size_t i = 0; i < E.inputs.size(); ++i) {
      const Port &p = E.inputs[i];
      std::string where = cat("inputs[", i, "] '", p.name, "'");
      if (p.name.empty())
        return error(cat(where, ": name: empty"));
      if (!names.insert(p.name).second)
        return error(cat(where, ": name: a second input of that name"));
      if (p.buffer >= E.buffers.size())
        return error(cat(where, ": buffer: index ", p.buffer,
                         " is out of range (", E.buffers.size(), " buffers)"));
      const Buffer &b = E.buffers[p.buffer];
      if (b.kind != BufferKind::Input || b.input != i)
        return error(cat(where, ": buffer ", p.buffer, " '", b.name,
                         "' is not input buffer ", i));
    }
    names.clear();
    for (size_t i = 0; i < E.outputs.size(); ++i) {
      const Port &p = E.outputs[i];
      std::string where = cat("outputs[", i, "] '", p.name, "'");
      if (p.name.empty())
        return error(cat(where, ": name: empty"));
      if (!names.insert(p.name).second)
        return error(cat(where, ": name: a second output of that name"));
      if (p.buffer >= E.buffers.size())
        return error(cat(where, ": buffer: index ", p.buffer,
                         " is out of range (", E.buffers.size(), " buffers)"));
      if (!isOutputDType(E.buffers[p.buffer].dtype))
        return error(cat(where, ": buffer ", p.buffer, " is ",
                         typeText(E.buffers[p.buffer]),
                         ", not a dtype an output can have"));
    }
    return Status::success();
  }

  //===--------------------------------------------------------------------===//
  // Launches
  //===--------------------------------------------------------------------===//

  /// The checks of one launch; every message starts with where it is.
  struct LaunchCheck {
    const EntryVerifier &V;
    const Launch &L;
    std::string Where;

    Status error(const std::string &message) const {
      return V.error(cat(Where, ": ", message));
    }
    const Buffer &operand(size_t i) const { return V.E.buffers[L.operands[i]]; }
    const Buffer &result(size_t i) const { return V.E.buffers[L.results[i]]; }
    std::string operandName(size_t i) const {
      return cat("operand ", i, " (buffer ", L.operands[i], " '",
                 operand(i).name, "')");
    }
    std::string resultName(size_t i) const {
      return cat("result ", i, " (buffer ", L.results[i], " '", result(i).name,
                 "')");
    }

    Status counts(size_t operands, size_t results) const {
      if (L.operands.size() != operands)
        return error(
            cat("expected ", operands, " operands, got ", L.operands.size()));
      if (L.results.size() != results)
        return error(
            cat("expected ", results, " results, got ", L.results.size()));
      return Status::success();
    }

    static Status check(const std::string &name, const Buffer &b,
                        const LaunchCheck &c, size_t rank) {
      if (b.dims.size() != rank)
        return c.error(cat(name, ": expected rank ", rank, ", got ",
                           b.dims.size(), " (", typeText(b), ")"));
      return Status::success();
    }
    Status rankOp(size_t i, size_t rank) const {
      return check(operandName(i), operand(i), *this, rank);
    }
    Status rankRes(size_t i, size_t rank) const {
      return check(resultName(i), result(i), *this, rank);
    }
    Status minRankOp(size_t i, size_t rank) const {
      if (operand(i).dims.size() < rank)
        return error(cat(operandName(i), ": expected rank at least ", rank,
                         ", got ", operand(i).dims.size(), " (",
                         typeText(operand(i)), ")"));
      return Status::success();
    }
    /// Dim `d` of `b` is `expected`.
    Status dimIs(const std::string &name, const Buffer &b, size_t d,
                 const Dim &expected) const {
      if (b.dims[d] != expected)
        return error(cat(name, ": dim ", d, " is ", dimText(b.dims[d]),
                         ", expected ", dimText(expected), " (", typeText(b),
                         ")"));
      return Status::success();
    }
    Status opDim(size_t i, size_t d, const Dim &expected) const {
      return dimIs(operandName(i), operand(i), d, expected);
    }
    Status resDim(size_t i, size_t d, const Dim &expected) const {
      return dimIs(resultName(i), result(i), d, expected);
    }
    Status staticOp(size_t i, size_t d) const {
      if (operand(i).dims[d].dynamic())
        return error(cat(operandName(i), ": dim ", d, " must be static (",
                         typeText(operand(i)), ")"));
      return Status::success();
    }
    Status sameDims(const std::string &name, const Buffer &b,
                    const Dims &expected) const {
      if (b.dims != expected)
        return error(cat(name, ": expected dims ", dimsText(expected), ", got ",
                         typeText(b)));
      return Status::success();
    }
    Status floatOp(size_t i) const {
      if (!cpu::isComputeFloat(operand(i).dtype))
        return error(cat(operandName(i), ": expected a float dtype, got ",
                         typeText(operand(i))));
      return Status::success();
    }
    Status floatRes(size_t i) const {
      if (!cpu::isComputeFloat(result(i).dtype))
        return error(cat(resultName(i), ": expected a float dtype, got ",
                         typeText(result(i))));
      return Status::success();
    }
    Status intOp(size_t i) const {
      if (!isIndexDType(operand(i).dtype))
        return error(cat(operandName(i), ": expected an integer dtype, got ",
                         typeText(operand(i))));
      return Status::success();
    }
    Status i32Res(size_t i) const {
      if (result(i).dtype != DType::I32)
        return error(
            cat(resultName(i), ": expected I32, got ", typeText(result(i))));
      return Status::success();
    }
    /// A weight operand `w` of rank `rank` and its scales (quantized or
    /// dense).
    Status weight(size_t w, size_t rank, const std::optional<Quant> &quant,
                  std::optional<size_t> scales) const {
      if (Status s = rankOp(w, rank); !s.ok())
        return s;
      for (size_t d = 0; d < rank; ++d)
        if (Status s = staticOp(w, d); !s.ok())
          return s;
      const Buffer &b = operand(w);
      if (!quant) {
        if (b.dtype != DType::F32 && b.dtype != DType::F64 &&
            b.dtype != DType::BF16 && b.dtype != DType::F16)
          return error(cat(operandName(w),
                           ": a dense weight is BF16, F16, "
                           "F32 or F64, got ",
                           typeText(b)));
        return Status::success();
      }
      if (Status s = quant->validate(); !s.ok())
        return error(cat("attrs.quant: ", s.message()));
      DType storage = quantStorageDType(quant->scheme);
      if (b.dtype != storage)
        return error(cat(operandName(w), ": expected ", dtypeName(storage),
                         " for quant scheme ", quantSchemeName(quant->scheme),
                         ", got ", typeText(b)));
      size_t s = *scales;
      if (Status st = rankOp(s, rank); !st.ok())
        return st;
      if (Status st = floatOp(s); !st.ok())
        return st;
      Dims expected = b.dims;
      expected[rank - 2].size =
          (expected[rank - 2].size + quant->blockRows - 1) / quant->blockRows;
      expected[rank - 1].size =
          (expected[rank - 1].size + quant->blockCols - 1) / quant->blockCols;
      return sameDims(operandName(s), operand(s), expected);
    }
  };

  Status verifyLaunch(size_t index) {
    const Launch &l = E.program[index];
    LaunchCheck c{*this, l,
                  cat("program[", index, "] (", opKindName(l.kind()),
                      l.location.empty() ? "" : " at ", l.location, ")")};
    for (size_t i = 0; i < l.operands.size(); ++i)
      if (l.operands[i] >= E.buffers.size())
        return c.error(cat("operand ", i, ": buffer index ", l.operands[i],
                           " is out of range (", E.buffers.size(),
                           " buffers)"));
    for (size_t i = 0; i < l.results.size(); ++i) {
      if (l.results[i] >= E.buffers.size())
        return c.error(cat("result ", i, ": buffer index ", l.results[i],
                           " is out of range (", E.buffers.size(),
                           " buffers)"));
      const Buffer &root = E.buffers[Root[l.results[i]]];
      if (root.kind != BufferKind::Arena)
        return c.error(
            cat(c.resultName(i), ": writes ",
                root.kind == BufferKind::Weight ? "a weight" : "an input",
                "; results live in the arena"));
    }
    if (Status s = verifyVariants(c); !s.ok())
      return s;
    switch (l.kind()) {
    case OpKind::Gemm:
      return gemm(c, std::get<GemmAttrs>(l.attrs));
    case OpKind::GroupedGemm:
      return groupedGemm(c, std::get<GroupedGemmAttrs>(l.attrs));
    case OpKind::Attention:
      return attention(c, std::get<AttentionAttrs>(l.attrs));
    case OpKind::Norm:
      return norm(c, std::get<NormAttrs>(l.attrs));
    case OpKind::Rope:
      return rope(c, std::get<RopeAttrs>(l.attrs));
    case OpKind::Router:
      return router(c, std::get<RouterAttrs>(l.attrs));
    case OpKind::Dispatch:
      return dispatch(c, std::get<DispatchAttrs>(l.attrs));
    case OpKind::Combine:
      return combine(c);
    case OpKind::Elementwise:
      return elementwise(c, std::get<ElementwiseAttrs>(l.attrs));
    case OpKind::Embedding:
      return embedding(c);
    case OpKind::Copy:
      return copy(c, std::get<CopyAttrs>(l.attrs));
    case OpKind::Fill:
      return fill(c, std::get<FillAttrs>(l.attrs));
    }
    return c.error("unknown op kind");
  }

  Status verifyVariants(const LaunchCheck &c) const {
    const std::vector<Variant> &vs = c.L.variants;
    int64_t previous = 0;
    for (size_t i = 0; i < vs.size(); ++i) {
      const Variant &v = vs[i];
      std::string where = cat("variants[", i, "]");
      if (v.kernel < -1 ||
          (v.kernel >= 0 && static_cast<size_t>(v.kernel) >= M.kernels.size()))
        return c.error(cat(where, ".kernel: index ", v.kernel,
                           " is out of range (", M.kernels.size(),
                           " kernels)"));
      const KernelConfig &k = v.config;
      bool last = i + 1 == vs.size();
      if (last ? k.maxTokens != 0 : k.maxTokens <= previous)
        return c.error(cat(where, ".config.max_tokens: ", k.maxTokens,
                           last ? ": the last bucket must be 0 (unbounded)"
                                : ": buckets must increase from 1"));
      previous = k.maxTokens;
      if (k.tile.size() > static_cast<size_t>(kMaxRank) ||
          k.cluster.size() > static_cast<size_t>(kMaxRank))
        return c.error(
            cat(where, ".config: tile or cluster of rank above ", kMaxRank));
      for (int64_t t : k.tile)
        if (t < 1 || t > kMaxDimSize)
          return c.error(cat(where, ".config.tile: ", t, " is outside [1, ",
                             kMaxDimSize, "]"));
      for (int64_t t : k.cluster)
        if (t < 1 || t > 1024)
          return c.error(
              cat(where, ".config.cluster: ", t, " is outside [1, 1024]"));
      if (k.stages < 1 || k.stages > 1024 || k.warps < 1 || k.warps > 1024)
        return c.error(cat(where, ".config: stages ", k.stages, ", warps ",
                           k.warps, ": each must be in [1, 1024]"));
    }
    return Status::success();
  }

  /// The field of #moe.window a broken rule is about (".threshold").
  static const char *windowField(Window::Rule rule) {
    switch (rule) {
    case Window::Rule::GlobalTakesNothing:
      return "";
    case Window::Rule::Size:
      return ".size";
    case Window::Rule::Sinks:
      return ".sinks";
    case Window::Rule::Threshold:
      return ".threshold";
    }
    return "";
  }

  /// A swiglu GEMM's weight rows `n`: even, and with `quant` each half a
  /// multiple of the block's rows; the result's N is n / 2.
  static Status swigluRows(const LaunchCheck &c, const std::optional<Quant> &q,
                           int64_t n) {
    if (n < 2 || n % 2 != 0)
      return c.error(cat("attrs.swiglu: the weight's ", n,
                         " rows are not gate and up rows of one size"));
    if (q && (n / 2) % q->blockRows != 0)
      return c.error(cat("attrs.swiglu: half of the weight's ", n,
                         " rows is not a multiple of the quant block's ",
                         q->blockRows, " rows"));
    return Status::success();
  }

  /// A split GEMM's segments over the weight's `n` rows: 2 to
  /// GemmAttrs::kMaxSplit positive sizes summing to n, all but the last a
  /// multiple of the quant block's rows; not with swiglu.
  static Status splitRows(const LaunchCheck &c, const GemmAttrs &a, int64_t n) {
    if (a.swiglu)
      return c.error("attrs.split: a swiglu GEMM takes no split");
    if (a.split.size() < 2 || a.split.size() > GemmAttrs::kMaxSplit)
      return c.error(cat("attrs.split: ", a.split.size(),
                         " segments, expected 2 to ", GemmAttrs::kMaxSplit));
    int64_t sum = 0;
    for (size_t i = 0; i < a.split.size(); ++i) {
      int64_t rows = a.split[i];
      if (rows < 1 || rows > n)
        return c.error(cat("attrs.split[", i, "]: ", rows,
                           " rows is outside [1, ", n, "]"));
      if (a.quant && i + 1 < a.split.size() && rows % a.quant->blockRows != 0)
        return c.error(cat("attrs.split[", i, "]: ", rows,
                           " rows is not a multiple of the quant block's ",
                           a.quant->blockRows, " rows"));
      sum += rows;
    }
    if (sum != n)
      return c.error(cat("attrs.split: the segments sum to ", sum,
                         ", not the weight's ", n, " rows"));
    return Status::success();
  }

  static Status gemm(const LaunchCheck &c, const GemmAttrs &a) {
    if (a.swiglu && a.bias)
      return c.error("attrs: a swiglu GEMM takes no bias");
    size_t n = 2 + (a.quant ? 1 : 0) + (a.bias ? 1 : 0);
    if (Status s = c.counts(n, a.split.empty() ? 1 : a.split.size()); !s.ok())
      return s;
    std::optional<size_t> scales;
    if (a.quant)
      scales = 2;
    if (Status s = c.minRankOp(0, 1); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    if (Status s = c.weight(1, 2, a.quant, scales); !s.ok())
      return s;
    const Buffer &x = c.operand(0), &w = c.operand(1);
    if (Status s = c.opDim(0, x.dims.size() - 1, w.dims[1]); !s.ok())
      return s;
    if (a.bias) {
      size_t b = n - 1;
      if (Status s = c.floatOp(b); !s.ok())
        return s;
      if (Status s = c.sameDims(c.operandName(b), c.operand(b), {w.dims[0]});
          !s.ok())
        return s;
    }
    Dims out = x.dims;
    out.back() = w.dims[0];
    if (a.swiglu) {
      if (Status s = swigluRows(c, a.quant, w.dims[0].size); !s.ok())
        return s;
      out.back() = Dim::fixed(w.dims[0].size / 2);
    }
    if (!a.split.empty()) {
      if (Status s = splitRows(c, a, w.dims[0].size); !s.ok())
        return s;
      for (size_t r = 0; r < a.split.size(); ++r) {
        out.back() = Dim::fixed(a.split[r]);
        if (Status s = c.floatRes(r); !s.ok())
          return s;
        if (Status s = c.sameDims(c.resultName(r), c.result(r), out); !s.ok())
          return s;
      }
      return Status::success();
    }
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    return c.sameDims(c.resultName(0), c.result(0), out);
  }

  static Status groupedGemm(const LaunchCheck &c, const GroupedGemmAttrs &a) {
    if (Status s = c.counts(a.quant ? 4 : 3, 1); !s.ok())
      return s;
    std::optional<size_t> scales;
    if (a.quant)
      scales = 3;
    if (Status s = c.rankOp(0, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    if (Status s = c.weight(1, 3, a.quant, scales); !s.ok())
      return s;
    const Buffer &rows = c.operand(0), &w = c.operand(1);
    if (Status s = c.opDim(0, 1, w.dims[2]); !s.ok())
      return s;
    if (Status s = c.intOp(2); !s.ok())
      return s;
    if (Status s = c.sameDims(c.operandName(2), c.operand(2),
                              {Dim::fixed(w.dims[0].size + 1)});
        !s.ok())
      return s;
    Dim n = w.dims[1];
    if (a.swiglu) {
      if (Status s = swigluRows(c, a.quant, n.size); !s.ok())
        return s;
      n = Dim::fixed(n.size / 2);
    }
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    return c.sameDims(c.resultName(0), c.result(0), {rows.dims[0], n});
  }

  static Status attention(const LaunchCheck &c, const AttentionAttrs &a) {
    if (Status s = c.counts(a.sharedKey ? 4 : 3, 1); !s.ok())
      return s;
    if (!finite(a.scale))
      return c.error(cat("attrs.scale: ", a.scale, " is not finite"));
    Window::Rule rule;
    if (Status s = a.window.validate(&rule); !s.ok())
      return c.error(cat("attrs.window", windowField(rule), ": ", s.message()));
    for (size_t i = 0; i < 3; ++i) {
      if (Status s = c.rankOp(i, 3); !s.ok())
        return s;
      if (Status s = c.floatOp(i); !s.ok())
        return s;
      for (size_t d = 1; d < 3; ++d)
        if (Status s = c.staticOp(i, d); !s.ok())
          return s;
    }
    const Buffer &q = c.operand(0), &k = c.operand(1), &v = c.operand(2);
    // T queries over S keys (S >= T: causal queries sit at the end of the
    // keys, moe.attention's semantics); rejected here when the dims show
    // S < T for every run, else the reference op checks the sizes it gets.
    Dim t = q.dims[0], keys = k.dims[0];
    if (Status s = c.opDim(2, 0, keys); !s.ok())
      return s;
    if (keys.dynamic() == t.dynamic() &&
        (keys.dynamic() ? keys.tokenScale < t.tokenScale : keys.size < t.size))
      return c.error(cat("operand 1: fewer keys (dim 0) than queries: "
                         "causal queries are aligned to the end of the keys"));
    if (Status s = c.opDim(2, 1, k.dims[1]); !s.ok())
      return s;
    // Each variant runs one window: an adaptive one's regime holds over
    // its bucket.
    for (size_t i = 0; i < c.L.variants.size(); ++i)
      if (Expected<Window> w = variantWindow(c.L, keys, i); !w)
        return c.error(w.message());
    int64_t heads = q.dims[1].size, kvHeads = k.dims[1].size;
    if (kvHeads < 1 || heads % kvHeads != 0)
      return c.error(cat("operand 1: ", kvHeads, " kv heads do not divide the ",
                         heads, " query heads"));
    int64_t dr = 0;
    if (a.sharedKey) {
      if (Status s = c.rankOp(3, 2); !s.ok())
        return s;
      if (Status s = c.floatOp(3); !s.ok())
        return s;
      if (Status s = c.opDim(3, 0, keys); !s.ok())
        return s;
      if (Status s = c.staticOp(3, 1); !s.ok())
        return s;
      dr = c.operand(3).dims[1].size;
    }
    if (q.dims[2].size != k.dims[2].size + dr)
      return c.error(cat("operand 0: query head dim ", q.dims[2].size,
                         " is not the key's ", k.dims[2].size,
                         a.sharedKey ? cat(" + the shared key's ", dr) : ""));
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    return c.sameDims(c.resultName(0), c.result(0), {t, q.dims[1], v.dims[2]});
  }

  static Status norm(const LaunchCheck &c, const NormAttrs &a) {
    if (Status s = c.counts(a.residual ? 3 : 2, a.residual ? 2 : 1); !s.ok())
      return s;
    if (!finite(a.eps) || a.eps < 0)
      return c.error(cat("attrs.eps: ", a.eps, " is not finite and >= 0"));
    if (Status s = c.minRankOp(0, 1); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    const Buffer &x = c.operand(0);
    size_t w = a.residual ? 2 : 1;
    if (a.residual) {
      if (Status s = c.floatOp(1); !s.ok())
        return s;
      if (Status s = c.sameDims(c.operandName(1), c.operand(1), x.dims);
          !s.ok())
        return s;
    }
    if (Status s = c.floatOp(w); !s.ok())
      return s;
    if (Status s = c.sameDims(c.operandName(w), c.operand(w), {x.dims.back()});
        !s.ok())
      return s;
    for (size_t r = 0; r < c.L.results.size(); ++r) {
      if (Status s = c.floatRes(r); !s.ok())
        return s;
      if (Status s = c.sameDims(c.resultName(r), c.result(r), x.dims); !s.ok())
        return s;
    }
    if (a.residual && c.result(0).dtype != c.result(1).dtype)
      return c.error(cat(c.resultName(1), ": the sum has the dtype of y, ",
                         dtypeName(c.result(0).dtype)));
    return Status::success();
  }

  static Status rope(const LaunchCheck &c, const RopeAttrs &a) {
    if (Status s = c.counts(2, 1); !s.ok())
      return s;
    if (Status s = validateRopeTheta(a.theta); !s.ok())
      return c.error(cat("attrs.theta: ", s.message()));
    if (a.style != RopeStyle::HalfSplit && a.style != RopeStyle::Interleaved)
      return c.error("attrs.style: unknown style");
    if (a.yarn)
      if (Status s = a.yarn->validate(); !s.ok())
        return c.error(cat("attrs.yarn: ", s.message()));
    if (Status s = c.rankOp(0, 3); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    const Buffer &x = c.operand(0);
    if (x.dims[2].dynamic() || x.dims[2].size % 2 != 0)
      return c.error(cat(c.operandName(0), ": head dim ", dimText(x.dims[2]),
                         " is not static and even"));
    if (Status s = c.rankOp(1, 1); !s.ok())
      return s;
    if (Status s = c.intOp(1); !s.ok())
      return s;
    if (Status s = c.opDim(1, 0, x.dims[0]); !s.ok())
      return s;
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    return c.sameDims(c.resultName(0), c.result(0), x.dims);
  }

  static Status router(const LaunchCheck &c, const RouterAttrs &a) {
    if (Status s = c.counts(a.bias ? 3 : 2, 2); !s.ok())
      return s;
    if (Status s = c.rankOp(0, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    if (Status s = c.rankOp(1, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(1); !s.ok())
      return s;
    if (Status s = c.staticOp(1, 0); !s.ok())
      return s;
    const Buffer &x = c.operand(0), &gate = c.operand(1);
    if (Status s = c.opDim(1, 1, x.dims[1]); !s.ok())
      return s;
    int64_t experts = gate.dims[0].size;
    if (Status s = a.config.validate(experts); !s.ok())
      return c.error(cat("attrs.config: ", s.message()));
    if (a.bias) {
      if (Status s = c.floatOp(2); !s.ok())
        return s;
      if (Status s = c.sameDims(c.operandName(2), c.operand(2), {gate.dims[0]});
          !s.ok())
        return s;
    }
    Dims out{x.dims[0], Dim::fixed(a.config.topK)};
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    if (Status s = c.sameDims(c.resultName(0), c.result(0), out); !s.ok())
      return s;
    if (Status s = c.i32Res(1); !s.ok())
      return s;
    return c.sameDims(c.resultName(1), c.result(1), out);
  }

  /// The dim of k·t (the rows of a dispatch with top-k), or nullopt.
  static std::optional<Dim> scaled(const Dim &t, int64_t k) {
    std::optional<int64_t> v =
        checkedMul(t.dynamic() ? t.tokenScale : t.size, k);
    if (!v || *v > kMaxDimSize)
      return std::nullopt;
    return t.dynamic() ? Dim::tokens(*v) : Dim::fixed(*v);
  }

  static Status dispatch(const LaunchCheck &c, const DispatchAttrs &a) {
    if (Status s = c.counts(2, 3); !s.ok())
      return s;
    if (a.numExperts < 1 || a.numExperts >= kMaxDimSize)
      return c.error(cat("attrs.num_experts: ", a.numExperts,
                         " is outside [1, ", kMaxDimSize, ")"));
    if (Status s = c.rankOp(0, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    if (Status s = c.rankOp(1, 2); !s.ok())
      return s;
    if (Status s = c.intOp(1); !s.ok())
      return s;
    const Buffer &x = c.operand(0), &idx = c.operand(1);
    if (Status s = c.opDim(1, 0, x.dims[0]); !s.ok())
      return s;
    if (Status s = c.staticOp(1, 1); !s.ok())
      return s;
    std::optional<Dim> rows = scaled(x.dims[0], idx.dims[1].size);
    if (!rows)
      return c.error(cat(c.operandName(1), ": top-k ", idx.dims[1].size,
                         " times the tokens overflows"));
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    if (Status s = c.sameDims(c.resultName(0), c.result(0), {*rows, x.dims[1]});
        !s.ok())
      return s;
    if (Status s = c.i32Res(1); !s.ok())
      return s;
    if (Status s = c.sameDims(c.resultName(1), c.result(1), {*rows}); !s.ok())
      return s;
    if (Status s = c.i32Res(2); !s.ok())
      return s;
    return c.sameDims(c.resultName(2), c.result(2),
                      {Dim::fixed(a.numExperts + 1)});
  }

  static Status combine(const LaunchCheck &c) {
    if (Status s = c.counts(3, 1); !s.ok())
      return s;
    if (Status s = c.rankOp(0, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    if (Status s = c.rankOp(1, 1); !s.ok())
      return s;
    if (Status s = c.intOp(1); !s.ok())
      return s;
    if (Status s = c.rankOp(2, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(2); !s.ok())
      return s;
    if (Status s = c.staticOp(2, 1); !s.ok())
      return s;
    const Buffer &rows = c.operand(0), &w = c.operand(2);
    std::optional<Dim> r = scaled(w.dims[0], w.dims[1].size);
    if (!r)
      return c.error(cat(c.operandName(2), ": top-k times tokens overflows"));
    if (Status s = c.opDim(0, 0, *r); !s.ok())
      return s;
    if (Status s = c.sameDims(c.operandName(1), c.operand(1), {*r}); !s.ok())
      return s;
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    return c.sameDims(c.resultName(0), c.result(0), {w.dims[0], rows.dims[1]});
  }

  static Status elementwise(const LaunchCheck &c, const ElementwiseAttrs &a) {
    if (static_cast<unsigned>(a.fn) >
        static_cast<unsigned>(ElementwiseFn::SigmoidGate))
      return c.error("attrs.fn: unknown function");
    size_t arity = static_cast<size_t>(elementwiseArity(a.fn));
    if (Status s = c.counts(arity, 1); !s.ok())
      return s;
    for (size_t i = 0; i < arity; ++i)
      if (Status s = c.floatOp(i); !s.ok())
        return s;
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    const Buffer &x = c.operand(0);
    if (a.fn == ElementwiseFn::SigmoidGate) {
      if (Status s = c.rankOp(0, 2); !s.ok())
        return s;
      if (Status s = c.sameDims(c.operandName(1), c.operand(1),
                                {x.dims[0], Dim::fixed(1)});
          !s.ok())
        return s;
    } else if (arity == 2) {
      if (Status s = c.sameDims(c.operandName(1), c.operand(1), x.dims);
          !s.ok())
        return s;
    }
    return c.sameDims(c.resultName(0), c.result(0), x.dims);
  }

  static Status embedding(const LaunchCheck &c) {
    if (Status s = c.counts(2, 1); !s.ok())
      return s;
    if (Status s = c.rankOp(0, 2); !s.ok())
      return s;
    if (Status s = c.floatOp(0); !s.ok())
      return s;
    if (Status s = c.rankOp(1, 1); !s.ok())
      return s;
    if (Status s = c.intOp(1); !s.ok())
      return s;
    if (Status s = c.floatRes(0); !s.ok())
      return s;
    return c.sameDims(c.resultName(0), c.result(0),
                      {c.operand(1).dims[0], c.operand(0).dims[1]});
  }

  static Status copy(const LaunchCheck &c, const CopyAttrs &a) {
    if (Status s = c.counts(1, 1); !s.ok())
      return s;
    const Buffer &src = c.operand(0), &dst = c.result(0);
    size_t rank = a.sizes.size();
    if (a.srcOffsets.size() != rank || a.srcStrides.size() != rank ||
        a.dstOffsets.size() != rank)
      return c.error(cat("attrs: src_offsets, src_strides and dst_offsets "
                         "must have the rank of sizes, ",
                         rank));
    if (Status s = c.rankOp(0, rank); !s.ok())
      return s;
    if (Status s = c.rankRes(0, rank); !s.ok())
      return s;
    if (src.dtype != dst.dtype)
      return c.error(cat(c.resultName(0), ": is ", typeText(dst),
                         ", the source is ", typeText(src),
                         " (a copy keeps the dtype)"));
    for (size_t d = 0; d < rank; ++d) {
      std::string at = cat("attrs: dim ", d, ": ");
      const Dim &size = a.sizes[d];
      int64_t so = a.srcOffsets[d], st = a.srcStrides[d], dof = a.dstOffsets[d];
      if (so < 0 || so > kMaxDimSize || dof < 0 || dof > kMaxDimSize ||
          st < 1 || st > kMaxDimSize)
        return c.error(cat(at, "src offset ", so, ", stride ", st,
                           ", dst offset ", dof, ": offsets must be in [0, ",
                           kMaxDimSize, "], strides in [1, ", kMaxDimSize,
                           "]"));
      if (size.dynamic()) {
        if (src.dims[d] != size || dst.dims[d] != size || so != 0 || st != 1 ||
            dof != 0)
          return c.error(cat(at, "a dynamic size ", dimText(size),
                             " spans the whole dim: source and destination "
                             "dims must be ",
                             dimText(size), " with offset 0 and stride 1"));
        continue;
      }
      if (size.size < 0 || size.size > kMaxDimSize || size.tokenScale != 0)
        return c.error(
            cat(at, "size ", size.size, " is outside [0, ", kMaxDimSize, "]"));
      if (size.size == 0)
        continue;
      // The smallest extent of each dim is at T = 1.
      int64_t srcDim = src.dims[d].at(1), dstDim = dst.dims[d].at(1);
      int64_t last = so + (size.size - 1) * st; // each below 2^24: no overflow
      if (last >= srcDim)
        return c.error(cat(at, "source element ", last, " is outside ",
                           c.operandName(0), " ", typeText(src)));
      if (dof + size.size > dstDim)
        return c.error(cat(at, "destination elements up to ",
                           dof + size.size - 1, " are outside ",
                           c.resultName(0), " ", typeText(dst)));
    }
    return Status::success();
  }

  static Status fill(const LaunchCheck &c, const FillAttrs &a) {
    if (Status s = c.counts(0, 1); !s.ok())
      return s;
    const Buffer &dst = c.result(0);
    if (cpu::isComputeFloat(dst.dtype))
      return Status::success();
    if (!isIndexDType(dst.dtype))
      return c.error(cat(c.resultName(0), ": cannot fill ", typeText(dst)));
    if (!finite(a.value) || a.value != std::trunc(a.value) ||
        std::fabs(a.value) > 9.0e15)
      return c.error(cat("attrs.value: ", a.value, " is not an integer for ",
                         typeText(dst)));
    return Status::success();
  }

  int64_t perTokenAlignment() const {
    return std::min(E.plan.alignment, kPerTokenAlignment);
  }

  //===--------------------------------------------------------------------===//
  // The plan against the program: reads after writes, live data disjoint
  //===--------------------------------------------------------------------===//

  /// The bits of an arena root, start(T) = startPer·T + startFixed and
  /// end(T) = start(T) + sizePer·T + sizeFixed (bits are linear in T even
  /// for I4; every term is below 2^50 after verifyBuffer()).
  struct Slot {
    int64_t startPer = 0, startFixed = 0, sizePer = 0, sizeFixed = 0;
    int64_t start(int64_t t) const { return startPer * t + startFixed; }
    int64_t end(int64_t t) const { return start(t) + sizePer * t + sizeFixed; }
    bool empty() const { return sizePer == 0 && sizeFixed == 0; }
    bool operator==(const Slot &o) const {
      return startPer == o.startPer && startFixed == o.startFixed &&
             sizePer == o.sizePer && sizeFixed == o.sizeFixed;
    }
  };

  Slot slotOf(uint32_t root) const {
    const Buffer &b = E.buffers[root];
    int64_t per = 0, fixed = 1;
    for (size_t d = 0; d < b.dims.size(); ++d) {
      if (b.dims[d].dynamic())
        per = b.dims[d].tokenScale;
      else
        fixed *= b.dims[d].size; // bounded: bufferBytes() accepted it
    }
    if (per != 0) {
      per *= fixed;
      fixed = 0;
    }
    int64_t bits = static_cast<int64_t>(dtypeBits(b.dtype));
    return {8 * b.offsetPerToken, 8 * b.offsetFixed, per * bits, fixed * bits};
  }

  static std::string linearText(int64_t per, int64_t fixed) {
    if (per == 0)
      return std::to_string(fixed);
    return cat(per, "·T + ", fixed);
  }

  /// "buffer 7 'x3' (a view of arena buffer 2 'x')" or "arena buffer 2 'x'".
  std::string bufferText(uint32_t b) const {
    const Buffer &buf = E.buffers[b];
    if (Root[b] == b)
      return cat("arena buffer ", b, " '", buf.name, "'");
    return cat("buffer ", b, " '", buf.name, "' (a view of arena buffer ",
               Root[b], " '", E.buffers[Root[b]].name, "')");
  }

  std::string launchText(size_t i) const {
    const Launch &l = E.program[i];
    return cat("program[", i, "] (", opKindName(l.kind()),
               l.location.empty() ? "" : " at ", l.location, ")");
  }

  /// The bytes and live range of root `r` for messages.
  std::string rootText(uint32_t r, const Slot &s, size_t first,
                       size_t last) const {
    // The slot in bytes (bits / 8; whole bytes for every dtype but I4).
    auto bytes = [](int64_t bits) { return (bits + 7) / 8; };
    std::string live =
        last >= E.program.size()
            ? cat("live from program[", first, "] to the end (an output)")
            : cat("live program[", first, "..", last, "]");
    return cat("arena buffer ", r, " '", E.buffers[r].name, "' (bytes [",
               linearText(s.startPer / 8, s.startFixed / 8), ", ",
               linearText(s.startPer / 8 + bytes(s.sizePer),
                          s.startFixed / 8 + bytes(s.sizeFixed)),
               "), ", live, ")");
  }

  /// Whether result `r` of launch `l` may share the exact slot of operand
  /// `o` (docs/compile-path.md §1, kernel::InPlaceOpInterface).
  static bool inPlacePair(const Launch &l, size_t r, size_t o) {
    switch (l.kind()) {
    case OpKind::Elementwise:
      return r == 0;
    case OpKind::Rope:
      return r == 0 && o == 0;
    case OpKind::Norm:
      return std::get<NormAttrs>(l.attrs).residual && r == 1 && o == 1;
    default:
      return false;
    }
  }

  /// Every arena buffer a launch reads (through its root) was written by an
  /// earlier launch, every output was written, and no two roots live at the
  /// same time share a byte at any T >= 1 (a plan serves every token count;
  /// a session may run above plan.maxTokens), but for an in-place pair. A
  /// sweep over the program with the live roots ordered by their start at
  /// T = 1, then by their growth: each root is checked against its
  /// neighbours, a before b for every T when a ends before b starts at
  /// T = 1 and a's end grows no faster than b's start. That is exact for
  /// linear slots: disjoint nonempty slots cannot change order without
  /// meeting.
  Status verifyArenaUses() {
    constexpr size_t kNone = ~size_t(0);
    size_t n = E.buffers.size(), p = E.program.size();
    std::vector<size_t> first(n, kNone), last(n, kNone);
    auto isArena = [&](uint32_t b) {
      return E.buffers[Root[b]].kind == BufferKind::Arena;
    };
    for (size_t i = 0; i < p; ++i) {
      const Launch &l = E.program[i];
      for (size_t o = 0; o < l.operands.size(); ++o) {
        uint32_t b = l.operands[o];
        if (!isArena(b))
          continue;
        if (first[Root[b]] == kNone)
          return error(cat(launchText(i), ": operand ", o, " reads ",
                           bufferText(b), " before any launch writes it"));
        last[Root[b]] = i;
      }
      for (uint32_t b : l.results) {
        uint32_t r = Root[b];
        if (first[r] == kNone)
          first[r] = i;
        last[r] = i;
      }
    }
    for (size_t i = 0; i < E.outputs.size(); ++i) {
      uint32_t b = E.outputs[i].buffer;
      if (!isArena(b))
        continue;
      if (first[Root[b]] == kNone)
        return error(cat("outputs[", i, "] '", E.outputs[i].name,
                         "': ", bufferText(b), " is never written"));
      last[Root[b]] = p; // live to the end
    }

    std::vector<Slot> slots(n);
    std::vector<std::vector<uint32_t>> starts(p), ends(p);
    for (size_t b = 0; b < n; ++b) {
      if (E.buffers[b].kind != BufferKind::Arena || first[b] == kNone)
        continue;
      slots[b] = slotOf(static_cast<uint32_t>(b));
      if (slots[b].empty())
        continue;
      starts[first[b]].push_back(static_cast<uint32_t>(b));
      if (last[b] < p)
        ends[last[b]].push_back(static_cast<uint32_t>(b));
    }

    auto less = [&](uint32_t a, uint32_t b) {
      const Slot &x = slots[a], &y = slots[b];
      if (x.start(1) != y.start(1))
        return x.start(1) < y.start(1);
      if (x.startPer != y.startPer)
        return x.startPer < y.startPer;
      return a < b;
    };
    std::set<uint32_t, decltype(less)> live(less);
    std::vector<char> gone(n, 0); // left early, as the operand of an in-place
    // Whether `a` lies before `b` for every T >= 1.
    auto before = [&](uint32_t a, uint32_t b) {
      return slots[a].end(1) <= slots[b].start(1) &&
             slots[a].startPer + slots[a].sizePer <= slots[b].startPer;
    };
    auto overlap = [&](size_t i, uint32_t a, uint32_t b) {
      const Slot &x = slots[a], &y = slots[b];
      auto meets = [&](int64_t t) {
        return x.start(t) < y.end(t) && y.start(t) < x.end(t);
      };
      // Not at T = 1: one grows into the other; find the first T (the
      // distance shrinks by at least 1 bit per token).
      std::string when = "at T = 1";
      if (!meets(1)) {
        const Slot &lo = x.start(1) < y.start(1) ? x : y;
        const Slot &hi = x.start(1) < y.start(1) ? y : x;
        int64_t gap = hi.start(1) - lo.end(1);
        int64_t rate = (lo.startPer + lo.sizePer) - hi.startPer;
        when = rate > 0 ? cat("from T = ", gap / rate + 2,
                              " (one grows into the other)")
                        : std::string("as T grows");
      }
      return error(cat(launchText(i), ": ", rootText(a, x, first[a], last[a]),
                       " and ", rootText(b, y, first[b], last[b]),
                       " are live at once and overlap ", when));
    };

    for (size_t i = 0; i < p; ++i) {
      const Launch &l = E.program[i];
      // In-place pairs: the operand's root dies here and the result's root
      // starts here in the exact same slot.
      for (size_t r = 0; r < l.results.size(); ++r) {
        uint32_t rb = l.results[r], x = Root[rb];
        if (first[x] != i || slots[x].empty())
          continue;
        for (size_t o = 0; o < l.operands.size(); ++o) {
          uint32_t ob = l.operands[o], q = Root[ob];
          if (!isArena(ob) || q == x || last[q] != i || gone[q] ||
              !inPlacePair(l, r, o) || !(slots[q] == slots[x]) ||
              RootOffset[ob] != RootOffset[rb] ||
              BytesAtOne[ob] != BytesAtOne[rb] ||
              BytesAtMax[ob] != BytesAtMax[rb])
            continue;
          bool written = false; // a root this launch writes lives on
          for (uint32_t b : l.results)
            written |= Root[b] == q;
          if (written)
            continue;
          live.erase(q);
          gone[q] = 1;
          break;
        }
      }
      for (uint32_t x : starts[i]) {
        auto [it, inserted] = live.insert(x);
        (void)inserted; // keys are distinct: the index breaks ties
        if (it != live.begin()) {
          uint32_t prev = *std::prev(it);
          if (!before(prev, x))
            return overlap(i, prev, x);
        }
        if (auto next = std::next(it); next != live.end() && !before(x, *next))
          return overlap(i, x, *next);
      }
      for (uint32_t q : ends[i])
        live.erase(q);
    }
    return Status::success();
  }

  const Module &M;
  const EntryPoint &E;
  std::string Prefix;
  std::vector<int64_t> BytesAtMax, BytesAtOne;
  std::vector<uint32_t> Root;      ///< the buffer a view's bytes live in
  std::vector<int64_t> RootOffset; ///< a view's byte offset in its root
};

Status verifyKernel(const Kernel &k, size_t i) {
  std::string where = cat("kernels[", i, "] '", k.name, "'");
  for (int32_t b : k.block)
    if (b < 1 || b > 1024)
      return Status::error(cat(where, ": block: ", b, " is outside [1, 1024]"));
  if (k.sharedMemoryBytes < 0 || k.sharedMemoryBytes > (int64_t(1) << 32))
    return Status::error(cat(where, ": shared_memory_bytes: ",
                             k.sharedMemoryBytes, " is outside [0, 2^32]"));
  const PtxasReport &r = k.report;
  if (r.registers < 0 || r.spillStores < 0 || r.spillLoads < 0 ||
      r.stackBytes < 0 || r.sharedBytes < 0)
    return Status::error(cat(where, ": report: negative counts"));
  if (k.entry.empty())
    return Status::error(cat(where, ": entry: empty"));
  // Every part bounded so that the grid at any T the verifier admits
  // (kMaxDimSize) neither overflows nor exceeds what a launch may ask for.
  static const char *kAxis[] = {"x", "y", "z"};
  for (int d = 0; d < 3; ++d) {
    const GridDim &g = k.grid[d];
    int64_t limit = d == 0 ? kMaxGridX : 65535;
    if (g.divisor < 1 || g.divisor > (int64_t(1) << 20) || g.perToken < 0 ||
        g.fixed < 0 || g.fixed > kMaxGridX * g.divisor ||
        g.perToken > (kMaxGridX * g.divisor) / kMaxDimSize)
      return Status::error(cat(where, ": grid.", kAxis[d], ": (", g.perToken,
                               " T + ", g.fixed, ") / ", g.divisor,
                               " is outside the bounds"));
    if (g.at(kMaxDimSize) > limit && g.perToken == 0)
      return Status::error(cat(where, ": grid.", kAxis[d], ": ", g.at(1),
                               " blocks, above ", limit));
  }
  return Status::success();
}

} // namespace

Status verifyModule(const Module &module) {
  if (module.formatVersion != kModuleFormatVersion)
    return Status::error(cat("format_version: ", module.formatVersion,
                             ", this runtime reads version ",
                             kModuleFormatVersion));
  const TokenLimits &limits = module.limits;
  if (limits.maxTokens &&
      (*limits.maxTokens < 1 || *limits.maxTokens > kMaxDimSize))
    return Status::error(cat("limits.max_tokens: ", *limits.maxTokens,
                             " is outside [1, ", kMaxDimSize, "]"));
  if (limits.maxPositions && *limits.maxPositions < 1)
    return Status::error(
        cat("limits.max_positions: ", *limits.maxPositions, " is below 1"));
  for (size_t i = 0; i < module.parameters.size(); ++i) {
    const ParameterSpec &p = module.parameters[i];
    if (p.shape.size() > static_cast<size_t>(kMaxRank))
      return Status::error(cat("parameters[", i, "] '", p.name,
                               "': shape: rank ", p.shape.size(), " is above ",
                               kMaxRank));
    for (int64_t d : p.shape)
      if (d > kMaxDimSize)
        return Status::error(cat("parameters[", i, "] '", p.name,
                                 "': shape: dim ", d, " is above ",
                                 kMaxDimSize));
    if (p.name.empty())
      return Status::error(cat("parameters[", i, "]: name: empty"));
    if (static_cast<uint8_t>(p.dtype) > static_cast<uint8_t>(DType::I4))
      return Status::error(cat("parameters[", i, "] '", p.name,
                               "': dtype: unknown dtype ",
                               static_cast<int>(p.dtype)));
  }
  if (Expected<ParameterTable> table =
          ParameterTable::create(module.parameters);
      !table)
    return Status::error(cat("parameters: ", table.message()));
  for (size_t i = 0; i < module.kernels.size(); ++i)
    if (Status s = verifyKernel(module.kernels[i], i); !s.ok())
      return s;
  if (module.entries.empty())
    return Status::error("entries: the module has no entry point");
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < module.entries.size(); ++i) {
    if (!names.insert(module.entries[i].name).second)
      return Status::error(cat("entries[", i, "] '", module.entries[i].name,
                               "': name: a second entry of that name"));
    if (Status s = EntryVerifier(module, i).run(); !s.ok())
      return s;
  }
  return Status::success();
}

} // namespace ds
