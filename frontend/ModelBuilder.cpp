//===- ModelBuilder.cpp - the importer's model skeleton and helpers -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace ds;
using namespace ds::frontend;

static Type dtypeToType(MLIRContext *ctx, StringRef dtype) {
  if (dtype == "bfloat16" || dtype == "bf16")
    return BFloat16Type::get(ctx);
  if (dtype == "float16" || dtype == "f16")
    return Float16Type::get(ctx);
  if (dtype == "float32" || dtype == "f32")
    return Float32Type::get(ctx);
  return {};
}

ModelBuilder::ModelBuilder(ModuleOp module, const ModelConfig &config,
                           const ImportOptions &options, Type activationType)
    : module(module), cfg(config), options(options), ctx(module.getContext()),
      b(ctx), params(ctx), act(activationType) {
  weightType = dtypeToType(ctx, cfg.dtype);
  params.setInsertionPointToStart(module.getBody());
  if (cfg.quant)
    fp8Quant = moe::getQuantAttr(ctx, *cfg.quant);
  ropeStyle = moe::getRopeStyleAttr(ctx, cfg.ropeStyle);
  if (cfg.yarn)
    ropeScaling = moe::getYarnAttr(ctx, *cfg.yarn);
}

Location ModelBuilder::loc(const Twine &name) {
  return NameLoc::get(StringAttr::get(ctx, name));
}

RankedTensorType ModelBuilder::tokens(ArrayRef<int64_t> trailing,
                                      Type elementType) {
  SmallVector<int64_t> shape{ShapedType::kDynamic};
  shape.append(trailing.begin(), trailing.end());
  return RankedTensorType::get(shape, elementType ? elementType : act);
}

Value ModelBuilder::param(const std::string &key, ArrayRef<int64_t> shape,
                          Type elementType) {
  // Symbols are the checkpoint keys (dots are valid in bare symbol names);
  // a stacked key drops its `*.` segment.
  std::string name = key;
  if (size_t star = name.find("*."); star != std::string::npos)
    name.erase(star, 2);
  auto type = RankedTensorType::get(shape, elementType);
  moe::ParameterOp::create(params, loc(key), name, type,
                           params.getStringAttr(key), /*slices=*/nullptr,
                           /*concat_keys=*/nullptr, /*concat_rows=*/nullptr);
  return moe::LoadOp::create(b, loc(key), type,
                             FlatSymbolRefAttr::get(ctx, name));
}

ModelBuilder::Weight ModelBuilder::linearWeight(const std::string &prefix,
                                                int64_t out, int64_t in,
                                                ArrayRef<int64_t> stack) {
  SmallVector<int64_t> shape(stack);
  shape.append({out, in});
  if (!cfg.quant)
    return {param(prefix + ".weight", shape, weightType), Value()};
  Weight w;
  w.weight = param(prefix + ".weight", shape, Float8E4M3FNType::get(ctx));
  SmallVector<int64_t> scaleShape(stack);
  scaleShape.append(
      {static_cast<int64_t>(llvm::divideCeil(out, cfg.quant->blockRows)),
       static_cast<int64_t>(llvm::divideCeil(in, cfg.quant->blockCols))});
  w.scales =
      param(prefix + ".weight_scale_inv", scaleShape, Float32Type::get(ctx));
  return w;
}

Value ModelBuilder::linear(const std::string &prefix, Value x, int64_t out,
                           bool bias) {
  auto in = cast<RankedTensorType>(x.getType());
  Weight w = linearWeight(prefix, out, in.getDimSize(in.getRank() - 1));
  Value biasValue;
  if (bias)
    biasValue = param(prefix + ".bias", {out}, weightType);
  return moe::LinearOp::create(b, loc(prefix), TypeRange{tokens({out})}, x,
                               w.weight, w.scales, biasValue,
                               w.scales ? fp8Quant : moe::QuantAttr(),
                               UnitAttr(), DenseI64ArrayAttr())
      .getResult(0);
}

Value ModelBuilder::rmsNorm(const std::string &key, Value x, double eps) {
  auto type = cast<RankedTensorType>(x.getType());
  Value weight = param(key, {type.getDimSize(type.getRank() - 1)}, weightType);
  return moe::RMSNormOp::create(b, loc(key), type, x, weight,
                                b.getF64FloatAttr(eps));
}

Value ModelBuilder::splitHeads(Value x, int64_t heads, int64_t dim) {
  auto type = tokens({heads, dim});
  SmallVector<OpFoldResult> shape{numTokens, b.getIndexAttr(heads),
                                  b.getIndexAttr(dim)};
  return tensor::ExpandShapeOp::create(b, x.getLoc(), type, x, {{0}, {1, 2}},
                                       shape);
}

Value ModelBuilder::mergeHeads(Value x) {
  return tensor::CollapseShapeOp::create(
      b, x.getLoc(), x, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
}

Value ModelBuilder::sliceLast(Value x, int64_t offset, int64_t size) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  shape.back() = size;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  offsets.back() = b.getIndexAttr(offset);
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i < rank; ++i)
    sizes.push_back(i == 0 ? OpFoldResult(numTokens)
                           : OpFoldResult(b.getIndexAttr(shape[i])));
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, x.getLoc(), RankedTensorType::get(shape, type.getElementType()), x,
      offsets, sizes, strides);
}

Value ModelBuilder::clipQkv(Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  auto [bounds, inserted] = clipBounds.try_emplace(type);
  if (inserted) {
    // Built once per type at its first use, which dominates the later ones
    // (@forward is one block).
    auto splat = [&](double v) -> Value {
      Value scalar = arith::ConstantOp::create(
          b, x.getLoc(), b.getFloatAttr(type.getElementType(), v));
      return tensor::SplatOp::create(b, x.getLoc(), type, scalar,
                                     ValueRange{numTokens});
    };
    bounds->second = {splat(-*cfg.clipQkv), splat(*cfg.clipQkv)};
  }
  auto [lo, hi] = bounds->second;
  Value max = arith::MaximumFOp::create(b, x.getLoc(), x, lo);
  return arith::MinimumFOp::create(b, x.getLoc(), max, hi);
}

void ModelBuilder::buildForward(int64_t numLayers) {
  auto ids = RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type());
  auto logitsType = RankedTensorType::get({ShapedType::kDynamic, cfg.vocabSize},
                                          Float32Type::get(ctx));
  OpBuilder top(ctx);
  top.setInsertionPointToEnd(module.getBody());
  auto func =
      func::FuncOp::create(top, loc("forward"), "forward",
                           FunctionType::get(ctx, {ids, ids}, {logitsType}));
  StringRef nameAttr = moe::MoeDialect::getNameAttrName();
  func.setArgAttr(0, nameAttr, top.getStringAttr("input_ids"));
  func.setArgAttr(1, nameAttr, top.getStringAttr("positions"));
  func.setResultAttr(0, nameAttr, top.getStringAttr("logits"));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value inputIds = entry->getArgument(0);
  positions = entry->getArgument(1);
  numTokens = tensor::DimOp::create(b, loc("forward"), inputIds, 0);

  Value table = param("model.embed_tokens.weight",
                      {cfg.vocabSize, cfg.hiddenSize}, weightType);
  Value x = moe::EmbeddingOp::create(b, loc("model.embed_tokens"),
                                     tokens({cfg.hiddenSize}), table, inputIds);
  for (int64_t i = 0; i < numLayers; ++i) {
    Value attn = buildAttention(i, x);
    x = buildFeedForward(i, x, attn);
  }
  Value h = rmsNorm("model.norm.weight", x, cfg.rmsNormEps);
  Value head = cfg.tieWordEmbeddings
                   ? table
                   : param("lm_head.weight", {cfg.vocabSize, cfg.hiddenSize},
                           weightType);
  Value logits = moe::LinearOp::create(b, loc("lm_head"),
                                       TypeRange{tokens({cfg.vocabSize})}, h,
                                       head, Value(), Value(), moe::QuantAttr(),
                                       UnitAttr(), DenseI64ArrayAttr())
                     .getResult(0);
  if (!act.isF32())
    logits = arith::ExtFOp::create(b, loc("lm_head"), logitsType, logits);
  func::ReturnOp::create(b, loc("forward"), logits);
}

//===----------------------------------------------------------------------===//
// importModel
//===----------------------------------------------------------------------===//

/// The config facts recorded on the module (`moe.config`).
static DictionaryAttr configSummary(Builder &b, const ModelConfig &cfg,
                                    const ImportOptions &options, Type act,
                                    int64_t importedLayers) {
  SmallVector<NamedAttribute> attrs;
  auto add = [&](StringRef name, Attribute value) {
    attrs.push_back(b.getNamedAttr(name, value));
  };
  add("model_type", b.getStringAttr(familyName(cfg.family)));
  add("source", b.getStringAttr(cfg.sourceName));
  add("dtype", b.getStringAttr(cfg.dtype));
  std::string actName;
  llvm::raw_string_ostream(actName) << act;
  add("activation_dtype", b.getStringAttr(actName));
  add("vocab_size", b.getI64IntegerAttr(cfg.vocabSize));
  add("hidden_size", b.getI64IntegerAttr(cfg.hiddenSize));
  add("num_hidden_layers", b.getI64IntegerAttr(cfg.numLayers));
  add("num_imported_layers", b.getI64IntegerAttr(importedLayers));
  add("num_attention_heads", b.getI64IntegerAttr(cfg.numHeads));
  add("num_key_value_heads", b.getI64IntegerAttr(cfg.numKvHeads));
  if (!cfg.mla)
    add("head_dim", b.getI64IntegerAttr(cfg.headDim));
  add("rms_norm_eps", b.getF64FloatAttr(cfg.rmsNormEps));
  add("rope_theta", b.getF64FloatAttr(cfg.ropeTheta));
  if (cfg.maxPositionEmbeddings)
    add("max_position_embeddings",
        b.getI64IntegerAttr(cfg.maxPositionEmbeddings));
  if (cfg.numExperts) {
    add("num_experts", b.getI64IntegerAttr(cfg.numExperts));
    add("num_experts_per_tok", b.getI64IntegerAttr(cfg.router.topK));
    add("moe_intermediate_size", b.getI64IntegerAttr(cfg.moeIntermediateSize));
  }
  if (cfg.intermediateSize)
    add("intermediate_size", b.getI64IntegerAttr(cfg.intermediateSize));
  if (cfg.sharedIntermediateSize)
    add("shared_intermediate_size",
        b.getI64IntegerAttr(cfg.sharedIntermediateSize));
  if (cfg.tieWordEmbeddings)
    add("tie_word_embeddings", b.getBoolAttr(true));
  if (cfg.mla) {
    if (cfg.mla->qLoraRank)
      add("q_lora_rank", b.getI64IntegerAttr(*cfg.mla->qLoraRank));
    add("kv_lora_rank", b.getI64IntegerAttr(cfg.mla->kvLoraRank));
    add("qk_nope_head_dim", b.getI64IntegerAttr(cfg.mla->qkNopeHeadDim));
    add("qk_rope_head_dim", b.getI64IntegerAttr(cfg.mla->qkRopeHeadDim));
    add("v_head_dim", b.getI64IntegerAttr(cfg.mla->vHeadDim));
  }
  if (cfg.yarn) {
    add("rope_scaling", b.getStringAttr("yarn"));
    add("rope_scaling_factor", b.getF64FloatAttr(cfg.yarn->factor));
  }
  if (cfg.numExperts) {
    const RouterConfig &r = cfg.router;
    add("expert_layout",
        b.getStringAttr(options.expertLayout == ExpertLayout::Fused
                            ? "fused"
                            : "per-expert"));
    add("scoring_func",
        b.getStringAttr(moe::stringifyScoring(moe::toMoe(r.scoring))));
    add("topk_method",
        b.getStringAttr(moe::stringifySelection(moe::toMoe(r.selection))));
    if (r.selection != Selection::Greedy) {
      add("n_group", b.getI64IntegerAttr(r.nGroup));
      add("topk_group", b.getI64IntegerAttr(r.topkGroup));
    }
    add("norm_topk_prob", b.getBoolAttr(r.normTopkProb));
    add("routed_scaling_factor", b.getF64FloatAttr(r.routedScalingFactor));
  }
  SmallVector<int64_t> moeLayers, slidingLayers;
  int64_t window = 0;
  for (auto [i, layer] : llvm::enumerate(cfg.layers)) {
    if (layer.moe)
      moeLayers.push_back(i);
    if (layer.window.kind == WindowKind::Sliding) {
      slidingLayers.push_back(i);
      window = layer.window.size;
    }
  }
  add("moe_layers", b.getDenseI64ArrayAttr(moeLayers));
  if (!slidingLayers.empty()) {
    add("sliding_window", b.getI64IntegerAttr(window));
    add("sliding_layers", b.getDenseI64ArrayAttr(slidingLayers));
  }
  if (cfg.quant)
    add("quantization",
        b.getStringAttr(std::string(quantSchemeName(cfg.quant->scheme)) +
                        " block " + std::to_string(cfg.quant->blockRows) + "x" +
                        std::to_string(cfg.quant->blockCols)));
  return b.getDictionaryAttr(attrs);
}

llvm::Expected<OwningOpRef<ModuleOp>>
ds::frontend::importModel(MLIRContext &context, const ModelConfig &config,
                          const ImportOptions &options) {
  auto fail = [](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  context.loadDialect<moe::MoeDialect, arith::ArithDialect, func::FuncDialect,
                      tensor::TensorDialect>();
  Type act =
      dtypeToType(&context, options.activationDtype.value_or(config.dtype));
  if (!act)
    return fail("unknown activation dtype '" + *options.activationDtype +
                "' (expected bf16, f16 or f32)");
  int64_t numLayers = options.numLayers.value_or(config.numLayers);
  if (numLayers < 0 || numLayers > config.numLayers)
    return fail(llvm::formatv("--num-layers {0} is out of range [0, {1}] "
                              "(num_hidden_layers of {2})",
                              numLayers, config.numLayers, config.sourceName));
  if (options.maxTokens && *options.maxTokens < 1)
    return fail(
        llvm::formatv("--max-tokens {0} must be >= 1", *options.maxTokens));
  if (options.maxTokens && *options.maxTokens > ds::kMaxDimSize)
    return fail(llvm::formatv("--max-tokens {0} must be <= {1} (ds's "
                              "ceiling on one dimension)",
                              *options.maxTokens, ds::kMaxDimSize));
  if (options.expertLayout == ExpertLayout::Fused && config.quant)
    return fail("the fused expert layout has no FP8 scale layout; FP8 "
                "checkpoints store one tensor per expert");

  OpBuilder top(&context);
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(&context, config.sourceName, 1, 1));
  module->getOperation()->setAttr(
      moe::MoeDialect::getConfigAttrName(),
      configSummary(top, config, options, act, numLayers));
  if (options.maxTokens)
    module->getOperation()->setAttr(moe::MoeDialect::getMaxTokensAttrName(),
                                    top.getI64IntegerAttr(*options.maxTokens));
  ModelBuilder(*module, config, options, act).buildForward(numLayers);
  return std::move(module);
}
