//===- ImportFeedForward.cpp - dense MLPs and MoE blocks of the importer --===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The SwiGLU MLP of dense layers and shared experts, and the routed MoE
// block of each family (models.md §2.4), with per-expert or fused (v5)
// expert weights.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace ds;
using namespace ds::frontend;

Value ModelBuilder::buildFeedForward(int64_t layer, Value residual,
                                     Value attention) {
  std::string p = "model.layers." + std::to_string(layer);
  std::string normKey = p + ".post_attention_layernorm.weight";
  Value weight = param(normKey, {cfg.hiddenSize}, weightType);
  auto norm = moe::AddRMSNormOp::create(
      b, loc(normKey), residual.getType(), residual.getType(), attention,
      residual, weight, b.getF64FloatAttr(cfg.rmsNormEps));
  Value h = norm.getResult();
  Value out;
  if (cfg.layers[layer].moe) {
    // transformers v5 (the fused layout) calls every MoE block `mlp`.
    const FamilyConventions &names = cfg.conventions;
    out = buildMoe(p + "." +
                       (options.expertLayout == ExpertLayout::PerExpert
                            ? names.perExpertMoeBlock
                            : std::string("mlp")),
                   h);
  } else {
    out = buildMlp(p + ".mlp", h, cfg.intermediateSize);
  }
  return arith::AddFOp::create(b, loc(p), norm.getSum(), out);
}

Value ModelBuilder::buildMlp(const std::string &prefix, Value x,
                             int64_t width) {
  Value gate = linear(prefix + ".gate_proj", x, width);
  Value up = linear(prefix + ".up_proj", x, width);
  Value act = moe::SwiGLUOp::create(b, loc(prefix), gate.getType(), gate, up);
  return linear(prefix + ".down_proj", act, cfg.hiddenSize);
}

void ModelBuilder::loadExperts(const std::string &prefix,
                               SmallVectorImpl<Value> &weights,
                               SmallVectorImpl<Value> &scales) {
  int64_t e = cfg.numExperts, i = cfg.moeIntermediateSize, h = cfg.hiddenSize;
  if (options.expertLayout == ExpertLayout::Fused) {
    // [E, 2I, H]: rows 0..I-1 are the gate, I..2I-1 the up projection.
    Value gateUp =
        param(prefix + ".experts.gate_up_proj", {e, 2 * i, h}, weightType);
    auto half = RankedTensorType::get({e, i, h}, weightType);
    for (int64_t offset : {int64_t(0), i}) {
      SmallVector<OpFoldResult> offsets{
          b.getIndexAttr(0), b.getIndexAttr(offset), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes{b.getIndexAttr(e), b.getIndexAttr(i),
                                      b.getIndexAttr(h)};
      SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
      weights.push_back(tensor::ExtractSliceOp::create(
          b, gateUp.getLoc(), half, gateUp, offsets, sizes, strides));
    }
    weights.push_back(
        param(prefix + ".experts.down_proj", {e, h, i}, weightType));
    return;
  }
  // One checkpoint tensor per expert, stacked over `*`.
  const FamilyConventions &names = cfg.conventions;
  Weight gate =
      linearWeight(prefix + ".experts.*." + names.expertGate, i, h, {e});
  Weight up = linearWeight(prefix + ".experts.*." + names.expertUp, i, h, {e});
  Weight down =
      linearWeight(prefix + ".experts.*." + names.expertDown, h, i, {e});
  weights.append({gate.weight, up.weight, down.weight});
  if (gate.scales)
    scales.append({gate.scales, up.scales, down.scales});
}

Value ModelBuilder::buildMoe(const std::string &prefix, Value h) {
  const RouterConfig &r = cfg.router;
  int64_t e = cfg.numExperts;
  // The router gate stays unquantized in every checkpoint.
  Value gate = param(prefix + ".gate.weight", {e, cfg.hiddenSize}, weightType);
  Value bias;
  if (cfg.routerCorrectionBias)
    bias = param(prefix + ".gate.e_score_correction_bias", {e},
                 Float32Type::get(ctx));
  RouterConfig routing = r;
  routing.groupFill = moe::fromMoe(options.groupFill);
  moe::RouterAttr config = moe::getRouterAttr(ctx, routing);
  Type weightsType =
      cfg.conventions.routerWeightsF32 ? Type(Float32Type::get(ctx)) : act;
  auto router = moe::RouterOp::create(
      b, loc(prefix + ".gate"), tokens({r.topK}, weightsType),
      tokens({r.topK}, b.getI32Type()), h, gate, bias, config);

  SmallVector<Value> weights, scales;
  loadExperts(prefix, weights, scales);
  Value out = moe::ExpertsOp::create(
      b, loc(prefix + ".experts"), h.getType(), h, router.getWeights(),
      router.getIndices(), weights[0], weights[1], weights[2], scales,
      scales.empty() ? moe::QuantAttr() : fp8Quant);

  if (cfg.sharedIntermediateSize == 0)
    return out;
  Value shared = buildMlp(prefix + "." + cfg.conventions.sharedExperts, h,
                          cfg.sharedIntermediateSize);
  if (cfg.sharedExpertGate) {
    // Qwen2-MoE: sigmoid(x · shared_expert_gateᵀ) · shared_expert(x).
    Value logit = linear(prefix + ".shared_expert_gate", h, 1);
    shared = moe::SigmoidGateOp::create(b, loc(prefix + ".shared_expert_gate"),
                                        shared.getType(), shared, logit);
  }
  return arith::AddFOp::create(b, loc(prefix), out, shared);
}
