//===- GemmTemplate.cpp - kernel.gemm, kernel.grouped_gemm -> gemm.cuh ----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/gemm.cuh: the config's tile is [BM, BN, BK] with `stages`
// pipeline stages; its warps are laid out kWarpsM × kWarpsN with kWarpsM =
// 1 for BM <= 32, else 2. Variants: `mma_sync` (bf16/f16 activations on
// tensor cores, any weight format dequantized in the main loop) and `fma`
// (f32 activations). gemm: grid (ceil(M / BM), ceil(N / BN)); grouped:
// grid (ceil((R + E·(BM − 1)) / BM), ceil(N / BN)), the tiles of every
// expert in one launch, found from the device offsets.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

using namespace ds::codegen;

namespace {

const char *quantName(const std::optional<ds::Quant> &quant) {
  if (!quant)
    return "ds::GemmQuant::None";
  switch (quant->scheme) {
  case ds::QuantScheme::FP8E4M3:
    return "ds::GemmQuant::Fp8E4M3";
  case ds::QuantScheme::Int8:
    return "ds::GemmQuant::Int8";
  case ds::QuantScheme::Int4:
    return "ds::GemmQuant::Int4";
  }
  return "ds::GemmQuant::None";
}

/// The tile, stages and warp layout of `config`, checked against what
/// gemm.cuh accepts (its gemmSupports(), restated so that a bad config is
/// a located error, not a static_assert in NVRTC's log).
struct Tile {
  int64_t bm, bn, bk, stages, warpsM, warpsN;
};

llvm::Expected<Tile> tileOf(const ds::Launch &launch,
                            const ds::KernelConfig &config, ds::DType a,
                            ds::DType w, bool quantized, bool swiglu) {
  if (config.tile.size() != 3)
    return unsupported(launch, "the config's tile is not [BM, BN, BK]");
  Tile t{config.tile[0], config.tile[1], config.tile[2], config.stages, 0, 0};
  bool mma = a == ds::DType::BF16 || a == ds::DType::F16;
  if (!mma && a != ds::DType::F32)
    return unsupported(launch, "activations must be bf16, f16 or f32");
  if (mma && config.variant != "mma_sync")
    return unsupported(launch, "variant '" + config.variant +
                                   "' (bf16/f16 activations take mma_sync)");
  if (!mma && config.variant != "fma")
    return unsupported(launch, "variant '" + config.variant +
                                   "' (f32 activations take fma)");
  t.warpsM = t.bm <= 32 ? 1 : 2;
  t.warpsN = config.warps / t.warpsM;
  if (t.warpsN < 1 || t.warpsM * t.warpsN != config.warps)
    return unsupported(launch, "warps do not split into the tile");
  int64_t bytes = a == ds::DType::F32 ? 4 : 2;
  int64_t chunks = t.bk * bytes / 16;
  int64_t wBits = quantized ? (w == ds::DType::I4 ? 4 : 8)
                            : static_cast<int64_t>(ds::dtypeBits(w));
  int64_t rawElems = 128 / wBits;
  int64_t wm = t.bm / t.warpsM, wn = t.bn / t.warpsN;
  bool ok = t.stages >= 2 && t.bk % 16 == 0 && chunks > 0 &&
            (chunks & (chunks - 1)) == 0 && t.bk % rawElems == 0 &&
            config.warps * 32 <= 1024 && t.bm % t.warpsM == 0 &&
            t.bn % t.warpsN == 0 &&
            (mma ? wm % 16 == 0 && wn % 16 == 0
                 : wm % 8 == 0 && wn % 4 == 0 && wm > 0 && wn > 0) &&
            // SwiGLU: a warp's columns hold whole gate / up row pairs.
            (!swiglu || wn % 16 == 0);
  if (!ok)
    return unsupported(launch, "tile [" + std::to_string(t.bm) + ", " +
                                   std::to_string(t.bn) + ", " +
                                   std::to_string(t.bk) + "] with " +
                                   std::to_string(config.warps) +
                                   " warps is not a gemm.cuh tile");
  if (t.stages * (t.bm + t.bn) * t.bk * bytes > 48 * 1024)
    return unsupported(launch, "the tile's stages need more than 48 KiB of "
                               "shared memory");
  return t;
}

/// The tile constants after gemm.cuh's element types and quant scheme.
/// and kSwiGLU when set (gemm.cuh's default is false, so unfused kernels
/// keep their text).
void appendTile(KernelEntry &k, llvm::SmallVectorImpl<mlir::Attribute> &out,
                const std::optional<ds::Quant> &quant, const Tile &t,
                bool swiglu) {
  out.append({k.text(quantName(quant)), k.i32(t.bm), k.i32(t.bn), k.i32(t.bk),
              k.i32(t.stages), k.i32(t.warpsM), k.i32(t.warpsN)});
  if (swiglu)
    out.push_back(k.text("true"));
}

/// quantBlockRows, quantBlockCols (1, 1 for dense weights).
std::array<mlir::Attribute, 2> quantBlocks(KernelEntry &k,
                                           const std::optional<ds::Quant> &q) {
  return {k.i32(q ? q->blockRows : 1), k.i32(q ? q->blockCols : 1)};
}

/// "gemm_bf16", "grouped_gemm_swiglu_bf16_f8_e4m3": the op (and its fused
/// SwiGLU), the activations, then the weights' format when quantized.
std::string kindOf(llvm::StringRef op, bool swiglu, ds::DType a, ds::DType w,
                   bool quantized) {
  std::string kind =
      (op + (swiglu ? "_swiglu_" : "_") + KernelEntry::typeTag(a)).str();
  if (quantized)
    kind += "_" + KernelEntry::typeTag(w);
  return kind;
}

} // namespace

llvm::Expected<GeneratedKernel>
ds::codegen::emitGemm(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::GemmAttrs>(launch.attrs);
  bool quantized = attrs.quant.has_value();
  // a, w, scales?, bias? -> c (or c0, c1, ... with a split)
  size_t a = 0, w = 1, scales = 2, bias = quantized ? 3 : 2;
  size_t c = launch.operands.size();
  const ds::Dims &ad = k.buffer(a).dims, &wd = k.buffer(w).dims;
  if (wd.size() != 2 || ad.empty())
    return unsupported(launch, "w must be [N, K]");
  ds::DType at = k.buffer(a).dtype, wt = k.buffer(w).dtype,
            ct = k.buffer(c).dtype;
  llvm::Expected<Tile> t =
      tileOf(launch, config, at, wt, quantized, attrs.swiglu);
  if (!t)
    return t.takeError();
  int64_t n = wd[0].size, kk = wd[1].size;
  KernelEntry::Extent m = KernelEntry::extent(ad, 0, ad.size() - 1);
  ds::DType st = quantized ? k.buffer(scales).dtype : ds::DType::F32;
  ds::DType bt = attrs.bias ? k.buffer(bias).dtype : ds::DType::F32;
  llvm::SmallVector<mlir::Attribute> types = {
      k.type(at), k.type(wt), k.type(ct), k.type(st), k.type(bt)};
  appendTile(k, types, attrs.quant, *t, attrs.swiglu);
  auto [qbr, qbc] = quantBlocks(k, attrs.quant);
  KernelEntry::Arg scalesArg =
      quantized ? KernelEntry::Arg(k.pointer(scales)) : k.text("nullptr");
  KernelEntry::Arg biasArg =
      attrs.bias ? KernelEntry::Arg(k.pointer(bias)) : k.text("nullptr");
  if (!attrs.split.empty()) {
    // One out pointer and row length per segment (the last's is N minus
    // the others), null and 0 past them.
    size_t parts = attrs.split.size();
    if (parts < 2 || parts > ds::GemmAttrs::kMaxSplit || attrs.swiglu)
      return unsupported(launch, "a split of " + std::to_string(parts) +
                                     " segments (gemm.cuh takes 2 to 4, "
                                     "without swiglu)");
    types.push_back(k.i32(static_cast<int64_t>(parts)));
    llvm::SmallVector<KernelEntry::Arg> args = {k.pointer(a), k.pointer(w),
                                                scalesArg, biasArg};
    for (size_t s = 0; s < ds::GemmAttrs::kMaxSplit; ++s)
      args.push_back(s < parts ? KernelEntry::Arg(k.pointer(c + s))
                               : k.text("nullptr"));
    args.append({k.count(m.perToken, m.fixed), k.i32(n), k.i32(kk)});
    for (size_t s = 0; s + 1 < ds::GemmAttrs::kMaxSplit; ++s)
      args.push_back(k.i32(s + 1 < parts ? attrs.split[s] : 0));
    args.append({qbr, qbc});
    k.call("codegen/cuda/gemm.cuh", "ds::gemmSplitKernel", types, args);
    return k.finish(kindOf("gemm_split", false, at, wt, quantized),
                    threadsOf(config),
                    {gridDim(m.perToken, m.fixed, t->bm),
                     gridDim(0, (n + t->bn - 1) / t->bn), gridDim(0, 1)});
  }
  k.call("codegen/cuda/gemm.cuh", "ds::gemmKernel", types,
         {k.pointer(a), k.pointer(w), scalesArg, biasArg, k.pointer(c),
          k.count(m.perToken, m.fixed), k.i32(n), k.i32(kk), qbr, qbc});
  return k.finish(kindOf("gemm", attrs.swiglu, at, wt, quantized),
                  threadsOf(config),
                  {gridDim(m.perToken, m.fixed, t->bm),
                   gridDim(0, (n + t->bn - 1) / t->bn), gridDim(0, 1)});
}

llvm::Expected<GeneratedKernel>
ds::codegen::emitGroupedGemm(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  const auto &attrs = std::get<ds::GroupedGemmAttrs>(launch.attrs);
  bool quantized = attrs.quant.has_value();
  // rows, w, offsets, scales? -> c
  size_t rows = 0, w = 1, offsets = 2, scales = 3;
  size_t c = launch.operands.size();
  const ds::Dims &rd = k.buffer(rows).dims, &wd = k.buffer(w).dims;
  if (wd.size() != 3 || rd.size() != 2)
    return unsupported(launch, "rows must be [R, K] and w [E, N, K]");
  ds::DType at = k.buffer(rows).dtype, wt = k.buffer(w).dtype,
            ct = k.buffer(c).dtype;
  llvm::Expected<Tile> t =
      tileOf(launch, config, at, wt, quantized, attrs.swiglu);
  if (!t)
    return t.takeError();
  int64_t e = wd[0].size, n = wd[1].size, kk = wd[2].size;
  KernelEntry::Extent r = KernelEntry::extent(rd, 0, 1);
  ds::DType st = quantized ? k.buffer(scales).dtype : ds::DType::F32;
  llvm::SmallVector<mlir::Attribute> types = {k.type(at), k.type(wt),
                                              k.type(ct), k.type(st)};
  appendTile(k, types, attrs.quant, *t, attrs.swiglu);
  auto [qbr, qbc] = quantBlocks(k, attrs.quant);
  k.call("codegen/cuda/gemm.cuh", "ds::groupedGemmKernel", types,
         {k.pointer(rows), k.pointer(w), k.pointer(offsets),
          quantized ? KernelEntry::Arg(k.pointer(scales)) : k.text("nullptr"),
          k.pointer(c), k.count(r.perToken, r.fixed), k.i32(e), k.i32(n),
          k.i32(kk), qbr, qbc});
  return k.finish(kindOf("grouped_gemm", attrs.swiglu, at, wt, quantized),
                  threadsOf(config),
                  {gridDim(r.perToken, r.fixed + e * (t->bm - 1), t->bm),
                   gridDim(0, (n + t->bn - 1) / t->bn), gridDim(0, 1)});
}
