//===- NormTemplate.cpp - kernel.norm -> ds::normKernel ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/norm.cuh: one CTA of `warps`·32 threads per row of the last
// dim; rows = the elements of x over that dim, a·T + b.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

using namespace ds::codegen;

llvm::Expected<GeneratedKernel>
ds::codegen::emitNorm(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::NormAttrs>(launch.attrs);
  bool residual = attrs.residual;
  // x, residual?, weight -> y, sum?
  size_t x = 0, weight = residual ? 2 : 1, y = weight + 1;
  const ds::Dims &dims = k.buffer(x).dims;
  if (dims.empty())
    return unsupported(launch, "x has no dims");
  int64_t d = dims.back().size;
  KernelEntry::Extent rows = KernelEntry::extent(dims, 0, dims.size() - 1);
  int threads = threadsOf(config);
  k.call("codegen/cuda/norm.cuh", "ds::normKernel",
         {k.type(k.buffer(x).dtype), k.type(k.buffer(weight).dtype),
          k.i32(threads)},
         {k.pointer(x),
          residual ? KernelEntry::Arg(k.pointer(1)) : k.text("nullptr"),
          k.pointer(weight), k.pointer(y),
          residual ? KernelEntry::Arg(k.pointer(y + 1)) : k.text("nullptr"),
          k.i32(d), k.f32(attrs.eps)});
  return k.finish(
      "norm_" + KernelEntry::typeTag(k.buffer(x).dtype), threads,
      {gridDim(rows.perToken, rows.fixed), gridDim(0, 1), gridDim(0, 1)});
}
