//===- MemoryTemplate.cpp - embedding, copy, fill -> memory.cuh ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/memory.cuh, all with `warps`·32 threads: embedding, one CTA
// per token; copy, a grid-stride box copy of ceil(n / (4·threads)) CTAs
// over its n elements, the box a constant ds::CopyBoxSpec of the source
// resolved at T; fill, ceil(n / (8·threads)) CTAs.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

#include <cmath>
#include <cstdio>

using namespace ds::codegen;

llvm::Expected<GeneratedKernel>
ds::codegen::emitEmbedding(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  size_t table = 0, ids = 1, y = 2;
  const ds::Dims &td = k.buffer(table).dims, &yd = k.buffer(y).dims;
  if (td.size() != 2 || yd.size() != 2)
    return unsupported(launch, "table must be [V, H] and y [T, H]");
  int threads = threadsOf(config);
  KernelEntry::Extent tokens = KernelEntry::extent(yd, 0, 1);
  k.call("codegen/cuda/memory.cuh", "ds::embeddingKernel",
         {k.type(k.buffer(table).dtype), k.type(k.buffer(y).dtype),
          k.type(k.buffer(ids).dtype), k.i32(threads)},
         {k.pointer(table), k.pointer(ids), k.pointer(y),
          k.count(tokens.perToken, tokens.fixed), k.i64(td[0].size),
          k.i64(td[1].size)});
  return k.finish(
      "embedding_" + KernelEntry::typeTag(k.buffer(table).dtype), threads,
      {gridDim(tokens.perToken, tokens.fixed), gridDim(0, 1), gridDim(0, 1)});
}

llvm::Expected<GeneratedKernel>
ds::codegen::emitCopy(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::CopyAttrs>(launch.attrs);
  const ds::Dims &sd = k.buffer(0).dims, &dd = k.buffer(1).dims;
  size_t rank = attrs.sizes.size();
  constexpr size_t kMaxRank = 8; // ds::kMaxCopyRank of memory.cuh
  if (rank > kMaxRank || sd.size() != rank || dd.size() != rank)
    return unsupported(launch, "the box's rank does not match the buffers");
  std::vector<int64_t> sizes(kMaxRank, 0), sizesPerToken(kMaxRank, 0),
      src(kMaxRank, 0), srcPerToken(kMaxRank, 0), dst(kMaxRank, 0),
      dstPerToken(kMaxRank, 0), srcOffsets(kMaxRank, 0),
      srcStrides(kMaxRank, 0), dstOffsets(kMaxRank, 0);
  // The element count as a·T + b (one dim at most grows with T).
  KernelEntry::Extent n{0, 1};
  for (size_t d = 0; d < rank; ++d) {
    // A dynamic size spans the source's whole dim (the cpu backend's rule).
    ds::Dim size = attrs.sizes[d].dynamic() ? sd[d] : attrs.sizes[d];
    if (size.dynamic()) {
      sizesPerToken[d] = size.tokenScale;
      n = {n.fixed * size.tokenScale, 0};
    } else {
      sizes[d] = size.size;
      n = {n.perToken * size.size, n.fixed * size.size};
    }
    (sd[d].dynamic() ? srcPerToken[d] : src[d]) =
        sd[d].dynamic() ? sd[d].tokenScale : sd[d].size;
    (dd[d].dynamic() ? dstPerToken[d] : dst[d]) =
        dd[d].dynamic() ? dd[d].tokenScale : dd[d].size;
    srcOffsets[d] = attrs.srcOffsets[d];
    srcStrides[d] = attrs.srcStrides[d];
    dstOffsets[d] = attrs.dstOffsets[d];
  }
  auto list = [](const std::vector<int64_t> &v) {
    std::string s = "{";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "}";
  };
  std::string spec = KernelEntry::symbol("box");
  k.include("codegen/cuda/memory.cuh");
  k.verbatim("DS_CONSTANT ds::CopyBoxSpec " + spec + " = {{" +
             std::to_string(rank) + ", " + list(sizes) + ", " + list(src) +
             ", " + list(srcOffsets) + ", " + list(srcStrides) + ", " +
             list(dst) + ", " + list(dstOffsets) + "}, " + list(sizesPerToken) +
             ", " + list(srcPerToken) + ", " + list(dstPerToken) + "};");
  int threads = threadsOf(config);
  ds::DType type = k.buffer(0).dtype;
  mlir::Value src0 = k.pointer(0), dst0 = k.pointer(1);
  mlir::Value box = k.callValue("ds::resolveCopyBox", "ds::CopyBox",
                                {k.text(spec), k.tokens()});
  k.call("codegen/cuda/memory.cuh", "ds::copyKernel",
         {k.type(type), k.i32(threads),
          k.i32(std::max<int64_t>(1, static_cast<int64_t>(rank)))},
         {src0, dst0, box});
  return k.finish("copy_" + KernelEntry::typeTag(type), threads,
                  {gridDim(n.perToken, n.fixed, 4 * int64_t(threads)),
                   gridDim(0, 1), gridDim(0, 1)});
}

llvm::Expected<GeneratedKernel>
ds::codegen::emitFill(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  double value = std::get<ds::FillAttrs>(launch.attrs).value;
  const ds::Buffer &dst = k.buffer(0);
  KernelEntry::Extent n = KernelEntry::extent(dst.dims);
  int threads = threadsOf(config);
  // An exact literal (hex), and the non-finite values as builtins both
  // compilers know.
  char literal[48];
  if (std::isnan(value))
    std::snprintf(literal, sizeof literal, "__builtin_nan(\"\")");
  else if (std::isinf(value))
    std::snprintf(literal, sizeof literal, "%s__builtin_huge_val()",
                  value < 0 ? "-" : "");
  else
    std::snprintf(literal, sizeof literal, "%a", value);
  k.call("codegen/cuda/memory.cuh", "ds::fillKernel",
         {k.type(dst.dtype), k.i32(threads)},
         {k.pointer(0), k.count(n.perToken, n.fixed), k.text(literal)});
  return k.finish("fill_" + KernelEntry::typeTag(dst.dtype), threads,
                  {gridDim(n.perToken, n.fixed, 8 * int64_t(threads)),
                   gridDim(0, 1), gridDim(0, 1)});
}
