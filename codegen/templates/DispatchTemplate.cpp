//===- DispatchTemplate.cpp - kernel.dispatch, kernel.combine -------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/dispatch.cuh. dispatch: count, scan and scatter in one
// launch of ceil(T·K / kPairsPerCta) CTAs of 256 threads (256 pairs each),
// every CTA counting all pairs (kMaxExperts = E rounded up to a warp).
// combine: ceil(T / 16) CTAs of 256 threads, 16 tokens each, top-k up to
// K.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

using namespace ds::codegen;

namespace {
constexpr int64_t kDispatchThreads = 256;
constexpr int64_t kPairsPerCta = 256;
constexpr int64_t kCombineThreads = 256;
constexpr int64_t kTokensPerCta = 16;
} // namespace

llvm::Expected<GeneratedKernel>
ds::codegen::emitDispatch(KernelEntry &k, const ds::KernelConfig &) {
  const ds::Launch &launch = k.launch();
  int64_t experts = std::get<ds::DispatchAttrs>(launch.attrs).numExperts;
  // x, indices -> rows, perm, offsets
  size_t x = 0, indices = 1, rows = 2, perm = 3, offsets = 4;
  const ds::Dims &xd = k.buffer(x).dims, &id = k.buffer(indices).dims;
  if (xd.size() != 2 || id.size() != 2)
    return unsupported(launch, "x must be [T, H] and indices [T, K]");
  int64_t topK = id[1].size, h = xd[1].size;
  int64_t maxExperts = (experts + 31) / 32 * 32;
  KernelEntry::Extent tokens = KernelEntry::extent(xd, 0, 1);
  k.call("codegen/cuda/dispatch.cuh", "ds::dispatchKernel",
         {k.type(k.buffer(x).dtype), k.i32(kDispatchThreads),
          k.i32(kPairsPerCta), k.i32(maxExperts)},
         {k.pointer(x), k.pointer(indices), k.pointer(rows), k.pointer(perm),
          k.pointer(offsets), k.count(tokens.perToken, tokens.fixed),
          k.i32(topK), k.i64(h), k.i32(experts)});
  return k.finish(
      "dispatch_" + KernelEntry::typeTag(k.buffer(x).dtype), kDispatchThreads,
      {gridDim(tokens.perToken * topK, tokens.fixed * topK, kPairsPerCta),
       gridDim(0, 1), gridDim(0, 1)});
}

llvm::Expected<GeneratedKernel>
ds::codegen::emitCombine(KernelEntry &k, const ds::KernelConfig &) {
  const ds::Launch &launch = k.launch();
  // rows, perm, weights -> y
  size_t rows = 0, perm = 1, weights = 2, y = 3;
  const ds::Dims &wd = k.buffer(weights).dims, &yd = k.buffer(y).dims;
  if (wd.size() != 2 || yd.size() != 2)
    return unsupported(launch, "weights must be [T, K] and y [T, H]");
  int64_t topK = wd[1].size, h = yd[1].size;
  KernelEntry::Extent tokens = KernelEntry::extent(yd, 0, 1);
  k.call("codegen/cuda/dispatch.cuh", "ds::combineKernel",
         {k.type(k.buffer(y).dtype), k.type(k.buffer(weights).dtype),
          k.i32(kCombineThreads), k.i32(kTokensPerCta), k.i32(topK)},
         {k.pointer(rows), k.pointer(perm), k.pointer(weights), k.pointer(y),
          k.count(tokens.perToken, tokens.fixed), k.i32(topK), k.i64(h)});
  return k.finish("combine_" + KernelEntry::typeTag(k.buffer(y).dtype),
                  kCombineThreads,
                  {gridDim(tokens.perToken, tokens.fixed, kTokensPerCta),
                   gridDim(0, 1), gridDim(0, 1)});
}
