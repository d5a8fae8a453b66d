//===- AttentionTemplate.cpp - kernel.attention -> attention.cuh ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/attention.cuh: grid (ceil(T / BQ), H), block warps·32. The
// config's tile is [BQ, BKV]; variant `mma_sync_fa` is the tensor-core
// path (bf16/f16, DQ % 16 == 0, DV % 8 == 0, BQ = 16·warps), `fma_fa` the
// FFMA path (f32, or head dims the tensor cores do not take). The launch's
// `blockSparse` is the template's kBlockSparse (moe-attention-block-
// sparsity); the tile counter is ds::simCounter (the sim's, null on a GPU).
// The window is a literal: the launch's, resolved for the variant's bucket
// (ds::variantWindow), so an adaptive window's global and sliding variants
// are two kernels and the launch program's variant selection by T chooses
// between them. A variant may name its regime after a ':'
// ("mma_sync_fa:global").
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

using namespace ds::codegen;

llvm::Expected<GeneratedKernel>
ds::codegen::emitAttention(KernelEntry &k, const ds::KernelConfig &config,
                           size_t variant) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::AttentionAttrs>(launch.attrs);
  size_t q = 0, key = 1, v = 2, shared = 3;
  size_t o = launch.operands.size();
  const ds::Dims &qd = k.buffer(q).dims, &kd = k.buffer(key).dims,
                 &vd = k.buffer(v).dims;
  if (qd.size() != 3 || kd.size() != 3 || vd.size() != 3)
    return unsupported(launch, "q, k and v must be [tokens, heads, dim]");
  int64_t heads = qd[1].size, kvHeads = kd[1].size, dq = qd[2].size,
          dk = kd[2].size, dv = vd[2].size;
  int64_t dr = attrs.sharedKey ? k.buffer(shared).dims.back().size : 0;
  ds::DType type = k.buffer(q).dtype;
  if (config.tile.size() != 2)
    return unsupported(launch, "the config's tile is not [BQ, BKV]");
  int64_t bq = config.tile[0], bkv = config.tile[1], warps = config.warps;
  ds::Expected<ds::Window> window = ds::variantWindow(launch, kd[0], variant);
  if (!window)
    return unsupported(launch, window.message());
  llvm::StringRef family = llvm::StringRef(config.variant).split(':').first;
  bool tensorCores = family == "mma_sync_fa";
  if (tensorCores) {
    if (type != ds::DType::BF16 && type != ds::DType::F16)
      return unsupported(launch, "mma_sync_fa needs bf16 or f16");
    if (dq % 16 != 0 || dv % 8 != 0)
      return unsupported(launch, "mma_sync_fa needs DQ % 16 == 0 and DV % 8 "
                                 "== 0");
    if (bq != 16 * warps || bkv % 16 != 0)
      return unsupported(launch, "mma_sync_fa needs BQ = 16·warps and BKV a "
                                 "multiple of 16");
  } else if (family == "fma_fa") {
    // attention.cuh picks its path from T and the head dims.
    if (type != ds::DType::F32 && dq % 16 == 0 && dv % 8 == 0)
      return unsupported(launch, "fma_fa: 16-bit head dims of whole mma tiles "
                                 "take the tensor cores (mma_sync_fa)");
    if (bq % warps != 0 || !(bkv % 32 == 0 || bkv == 16 || bkv == 8))
      return unsupported(launch, "fma_fa needs BQ a multiple of the warps and "
                                 "BKV 8, 16 or a multiple of 32");
  } else {
    return unsupported(launch, "variant '" + config.variant +
                                   "' (this build has mma_sync_fa and fma_fa)");
  }
  KernelEntry::Extent tokens = KernelEntry::extent(qd, 0, 1);
  KernelEntry::Extent keys = KernelEntry::extent(kd, 0, 1);
  int threads = static_cast<int>(warps) * 32;
  k.call("codegen/cuda/attention.cuh", "ds::attentionKernel",
         {k.type(type), k.i32(bq), k.i32(bkv), k.i32(warps), k.i32(dq),
          k.i32(dv), k.boolean(attrs.blockSparse)},
         {k.pointer(q), k.pointer(key), k.pointer(v),
          attrs.sharedKey ? KernelEntry::Arg(k.pointer(shared))
                          : k.text("nullptr"),
          k.pointer(o), k.count(tokens.perToken, tokens.fixed),
          k.count(keys.perToken, keys.fixed), k.i32(heads), k.i32(kvHeads),
          k.i32(dk), k.i32(dr), k.f32(attrs.scale),
          k.i32(static_cast<int64_t>(window->kind)), k.i32(window->size),
          k.i32(window->sinks), k.simCounter()});
  return k.finish("attention_" + KernelEntry::typeTag(type), threads,
                  {gridDim(tokens.perToken, tokens.fixed, bq),
                   gridDim(0, heads), gridDim(0, 1)});
}
