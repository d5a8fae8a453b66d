//===- ImportAttention.cpp - attention blocks of the importer -------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Multi-head latent attention (DeepSeek-V2/V3, models.md §2.3) and grouped-
// query attention with the per-family q/k treatment (bias, q/k norms, clip).
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilder.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace ds;
using namespace ds::frontend;

/// The eps of MLA's q_a_layernorm and kv_a_layernorm (the RMSNorm class
/// default in the reference, not `rms_norm_eps`).
static constexpr double kMlaNormEps = 1e-6;

static std::string layerPrefix(int64_t layer) {
  return "model.layers." + std::to_string(layer);
}

Value ModelBuilder::rope(Value x) {
  return moe::RopeOp::create(b, x.getLoc(), x.getType(), x, positions,
                             ropeStyle, b.getF64FloatAttr(cfg.ropeTheta),
                             ropeScaling);
}

static moe::WindowAttr windowAttr(MLIRContext *ctx, const LayerConfig &layer) {
  return moe::getWindowAttr(ctx, layer.window);
}

Value ModelBuilder::buildAttention(int64_t layer, Value x) {
  std::string prefix = layerPrefix(layer);
  Value h = rmsNorm(prefix + ".input_layernorm.weight", x, cfg.rmsNormEps);
  const LayerConfig &layerCfg = cfg.layers[layer];
  return cfg.mla ? buildMlaAttention(prefix + ".self_attn", h, layerCfg)
                 : buildGqaAttention(prefix + ".self_attn", h, layerCfg);
}

Value ModelBuilder::buildMlaAttention(const std::string &p, Value h,
                                      const LayerConfig &layer) {
  const MlaConfig &mla = *cfg.mla;
  int64_t nh = cfg.numHeads, dn = mla.qkNopeHeadDim, dr = mla.qkRopeHeadDim,
          dv = mla.vHeadDim, r = mla.kvLoraRank;

  // q = q_b_proj(RMSNorm(q_a_proj(h))) or q_proj(h), per head [nope ; rope].
  Value q;
  if (mla.qLoraRank) {
    Value qa = linear(p + ".q_a_proj", h, *mla.qLoraRank);
    qa = rmsNorm(p + ".q_a_layernorm.weight", qa, kMlaNormEps);
    q = linear(p + ".q_b_proj", qa, nh * (dn + dr));
  } else {
    q = linear(p + ".q_proj", h, nh * (dn + dr));
  }
  Value q3 = splitHeads(q, nh, dn + dr);
  Value qNope = sliceLast(q3, 0, dn);
  Value qPe = rope(sliceLast(q3, dn, dr));
  Value query =
      tensor::ConcatOp::create(b, q.getLoc(), 2, ValueRange{qNope, qPe});

  // The compressed kv and the decoupled rope key, one head shared by all.
  Value ckv = linear(p + ".kv_a_proj_with_mqa", h, r + dr);
  Value c =
      rmsNorm(p + ".kv_a_layernorm.weight", sliceLast(ckv, 0, r), kMlaNormEps);
  Value kPe = mergeHeads(rope(splitHeads(sliceLast(ckv, r, dr), 1, dr)));

  Value kv =
      splitHeads(linear(p + ".kv_b_proj", c, nh * (dn + dv)), nh, dn + dv);
  Value kNope = sliceLast(kv, 0, dn);
  Value v = sliceLast(kv, dn, dv);

  // softmax scale: (dn + dr)^-0.5, times mscale(factor, mscale_all_dim)²
  // under YaRN (models.md §2.2).
  double scale = 1.0 / std::sqrt(static_cast<double>(dn + dr));
  if (cfg.yarn && cfg.yarn->mscaleAllDim != 0.0) {
    double m = Yarn::computeMscale(cfg.yarn->factor, cfg.yarn->mscaleAllDim);
    scale *= m * m;
  }
  Value attn = moe::AttentionOp::create(b, loc(p), tokens({nh, dv}), query,
                                        kNope, v, kPe, b.getF64FloatAttr(scale),
                                        windowAttr(ctx, layer));
  return linear(p + ".o_proj", mergeHeads(attn), cfg.hiddenSize);
}

Value ModelBuilder::buildGqaAttention(const std::string &p, Value h,
                                      const LayerConfig &layer) {
  int64_t nh = cfg.numHeads, nkv = cfg.numKvHeads, hd = cfg.headDim;
  Value q = linear(p + ".q_proj", h, nh * hd, cfg.qkvBias);
  Value k = linear(p + ".k_proj", h, nkv * hd, cfg.qkvBias);
  Value v = linear(p + ".v_proj", h, nkv * hd, cfg.qkvBias);
  if (cfg.qkNorm == QKNorm::FullWidth) {
    // OLMoE normalizes the whole projection, before the head split.
    q = rmsNorm(p + ".q_norm.weight", q, cfg.rmsNormEps);
    k = rmsNorm(p + ".k_norm.weight", k, cfg.rmsNormEps);
  }
  if (cfg.clipQkv) {
    q = clipQkv(q);
    k = clipQkv(k);
    v = clipQkv(v);
  }
  Value q3 = splitHeads(q, nh, hd);
  Value k3 = splitHeads(k, nkv, hd);
  Value v3 = splitHeads(v, nkv, hd);
  if (cfg.qkNorm == QKNorm::PerHead) {
    // Qwen3-MoE normalizes each head over head_dim.
    q3 = rmsNorm(p + ".q_norm.weight", q3, cfg.rmsNormEps);
    k3 = rmsNorm(p + ".k_norm.weight", k3, cfg.rmsNormEps);
  }
  double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  Value attn = moe::AttentionOp::create(
      b, loc(p), tokens({nh, hd}), rope(q3), rope(k3), v3, Value(),
      b.getF64FloatAttr(scale), windowAttr(ctx, layer));
  return linear(p + ".o_proj", mergeHeads(attn), cfg.hiddenSize);
}
