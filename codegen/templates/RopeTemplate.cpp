//===- RopeTemplate.cpp - kernel.rope -> rope.cuh ------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/rope.cuh: one CTA per token (grid T). The inverse
// frequencies are computed here, once, by the reference
// (ds::cpu::ropeInvFreq, YaRN included: the one definition) and emitted as
// an exact constant table of the source; the factor on cos and sin is
// ds::cpu::ropeAttentionFactor.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

#include "ds/cpu/ops.h"

using namespace ds::codegen;

llvm::Expected<GeneratedKernel>
ds::codegen::emitRope(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::RopeAttrs>(launch.attrs);
  size_t x = 0, positions = 1, y = 2;
  const ds::Dims &xd = k.buffer(x).dims;
  if (xd.size() != 3)
    return unsupported(launch, "x must be [tokens, heads, d]");
  int64_t heads = xd[1].size, d = xd[2].size;
  if (d % 2 != 0 || d < 2)
    return unsupported(launch, "the rotary dim must be even");
  std::vector<float> invFreq = ds::cpu::ropeInvFreq(d, attrs.theta, attrs.yarn);
  std::string table = KernelEntry::symbol("inv_freq");
  std::string text = "DS_CONSTANT float " + table + "[" +
                     std::to_string(invFreq.size()) + "] = {";
  for (size_t i = 0; i < invFreq.size(); ++i)
    text += (i ? ", " : "") + KernelEntry::hexFloat(invFreq[i]);
  text += "};";
  k.include("codegen/cuda/rope.cuh");
  k.verbatim(text);
  float factor = static_cast<float>(ds::cpu::ropeAttentionFactor(attrs.yarn));
  int threads = threadsOf(config);
  bool interleaved = attrs.style == ds::RopeStyle::Interleaved;
  k.call("codegen/cuda/rope.cuh", "ds::ropeKernel",
         {k.type(k.buffer(x).dtype), k.type(k.buffer(positions).dtype),
          k.boolean(interleaved), k.i32(threads)},
         {k.pointer(x), k.pointer(positions), k.pointer(y), k.text(table),
          k.f32(factor), k.i32(heads), k.i32(d)});
  KernelEntry::Extent tokens = KernelEntry::extent(xd, 0, 1);
  return k.finish(
      "rope_" + KernelEntry::typeTag(k.buffer(x).dtype), threads,
      {gridDim(tokens.perToken, tokens.fixed), gridDim(0, 1), gridDim(0, 1)});
}
