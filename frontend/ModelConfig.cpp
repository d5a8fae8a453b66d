//===- ModelConfig.cpp - read Hugging Face configs ------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The family rules follow models.md §1 (fields, aliases, defaults) and §1.5
// (which layers are MoE). Hugging Face's DeepSeek classes hard-code the router
// and ignore `moe_layer_freq`; ds reads every field instead.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelConfig.h"
#include "frontend/ConfigFields.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace ds;
using namespace ds::frontend;

StringRef ds::frontend::familyName(Family family) {
  switch (family) {
  case Family::DeepseekV3:
    return "deepseek_v3";
  case Family::DeepseekV2:
    return "deepseek_v2";
  case Family::Deepseek:
    return "deepseek";
  case Family::Mixtral:
    return "mixtral";
  case Family::Qwen2Moe:
    return "qwen2_moe";
  case Family::Qwen3Moe:
    return "qwen3_moe";
  case Family::Olmoe:
    return "olmoe";
  }
  llvm_unreachable("unknown family");
}

static std::optional<Family> parseFamily(StringRef name) {
  return StringSwitch<std::optional<Family>>(name)
      .Case("deepseek_v3", Family::DeepseekV3)
      .Case("deepseek_v2", Family::DeepseekV2)
      .Case("deepseek", Family::Deepseek)
      .Case("mixtral", Family::Mixtral)
      .Case("qwen2_moe", Family::Qwen2Moe)
      .Case("qwen3_moe", Family::Qwen3Moe)
      .Case("olmoe", Family::Olmoe)
      .Default(std::nullopt);
}

static bool isMla(Family f) {
  return f == Family::DeepseekV3 || f == Family::DeepseekV2;
}

/// The three names of the expert count (models.md §1.4).
static constexpr StringRef kExpertCountKeys[] = {
    "n_routed_experts", "num_local_experts", "num_experts"};

namespace {

/// Reads one config into a ModelConfig; `fields` holds the first error.
class ConfigReader {
public:
  ConfigReader(ConfigFields &fields, ModelConfig &cfg) : f(fields), cfg(cfg) {}

  void read();

private:
  void readCommon();
  void readRope();
  void readYarn(ConfigFields &rope);
  void checkRopeTheta(ConfigFields &fields);
  void readAttention();
  void readFeedForward();
  void readRouter();
  void readQuantization();
  void readLayers();
  void assignMoeLayers();
  void readWindows();
  void checkDerivedSizes();
  void setConventions();
  /// Fails unless the product of the named config values `factors` is at
  /// most `limit` (a dimension or an element count of the tensor `what`).
  void checkProduct(llvm::ArrayRef<std::pair<StringRef, int64_t>> factors,
                    int64_t limit, StringRef what);

  /// Head size of a non-MLA family: `head_dim`, or hidden / heads.
  int64_t readHeadDim(bool allowExplicit);
  /// The expert count under any of its names (0 when absent).
  int64_t readExpertCount();

  ConfigFields &f;
  ModelConfig &cfg;
};

} // namespace

void ConfigReader::read() {
  readCommon();
  readRope();
  readAttention();
  readFeedForward();
  readQuantization();
  readLayers();
  readWindows();
  checkDerivedSizes();
  setConventions();
}

void ConfigReader::setConventions() {
  FamilyConventions &c = cfg.conventions;
  switch (cfg.family) {
  case Family::DeepseekV3:
  case Family::DeepseekV2:
  case Family::Deepseek:
    c.routerWeightsF32 = true;
    break;
  case Family::Mixtral:
    c.perExpertMoeBlock = "block_sparse_moe";
    c.expertGate = "w1";
    c.expertUp = "w3";
    c.expertDown = "w2";
    break;
  case Family::Qwen2Moe:
    c.sharedExperts = "shared_expert";
    break;
  case Family::Qwen3Moe:
  case Family::Olmoe:
    break;
  }
}

void ConfigReader::readCommon() {
  cfg.vocabSize = f.requireInt("vocab_size");
  f.checkAtLeast("vocab_size", cfg.vocabSize, 1);
  cfg.hiddenSize = f.requireInt("hidden_size");
  f.checkAtLeast("hidden_size", cfg.hiddenSize, 1);
  cfg.numLayers = f.requireInt("num_hidden_layers");
  f.checkAtLeast("num_hidden_layers", cfg.numLayers, 1, kMaxLayers);
  cfg.numHeads = f.requireInt("num_attention_heads");
  f.checkAtLeast("num_attention_heads", cfg.numHeads, 1);
  cfg.numKvHeads = f.getInt("num_key_value_heads").value_or(cfg.numHeads);
  f.checkAtLeast("num_key_value_heads", cfg.numKvHeads, 1);
  if (!f.failed() && cfg.numHeads % cfg.numKvHeads != 0)
    f.fail(formatv("field 'num_attention_heads': {0} must be a multiple of "
                   "'num_key_value_heads' ({1})",
                   cfg.numHeads, cfg.numKvHeads));
  cfg.rmsNormEps = f.requireNumber("rms_norm_eps");
  f.checkPositive("rms_norm_eps", cfg.rmsNormEps);
  if (std::optional<int64_t> maxPositions =
          f.getInt("max_position_embeddings")) {
    f.checkAtLeast("max_position_embeddings", *maxPositions, 1);
    cfg.maxPositionEmbeddings = *maxPositions;
  }
  cfg.tieWordEmbeddings = f.getBool("tie_word_embeddings").value_or(false);

  StringRef dtypeKey = f.firstPresent({"dtype", "torch_dtype"});
  cfg.dtype = f.getString(dtypeKey).value_or("bfloat16");
  if (!f.failed() && cfg.dtype != "bfloat16" && cfg.dtype != "float16" &&
      cfg.dtype != "float32")
    f.failField(dtypeKey, "expected \"bfloat16\", \"float16\" or \"float32\"");

  if (std::optional<std::string> act = f.getString("hidden_act"))
    if (*act != "silu")
      f.failField("hidden_act", "only \"silu\" (SwiGLU) is supported");
}

/// rope_theta follows moe.rope's rule (validateRopeTheta): finite and > 1.
void ConfigReader::checkRopeTheta(ConfigFields &fields) {
  if (fields.checkPositive("rope_theta", cfg.ropeTheta) &&
      !validateRopeTheta(cfg.ropeTheta).ok())
    fields.failField("rope_theta", "must be > 1 (the inverse frequencies "
                                   "theta^(-2i/d) must decrease)");
}

void ConfigReader::readRope() {
  // MLA rotates interleaved pairs (the checkpoints are laid out for it); the
  // other families use the half-split (rotate_half) form.
  cfg.ropeStyle =
      isMla(cfg.family) ? RopeStyle::Interleaved : RopeStyle::HalfSplit;

  // transformers v5: `rope_parameters` holds theta and the scaling.
  if (const json::Object *params = f.getObject("rope_parameters")) {
    ConfigFields rope = f.nested(*params, "rope_parameters");
    cfg.ropeTheta = rope.getNumber("rope_theta")
                        .value_or(f.getNumber("rope_theta").value_or(10000.0));
    checkRopeTheta(rope);
    readYarn(rope);
    return;
  }
  cfg.ropeTheta = f.getNumber("rope_theta").value_or(10000.0);
  checkRopeTheta(f);
  if (const json::Object *scaling = f.getObject("rope_scaling")) {
    ConfigFields rope = f.nested(*scaling, "rope_scaling");
    readYarn(rope);
  }
}

void ConfigReader::readYarn(ConfigFields &rope) {
  StringRef typeKey = rope.firstPresent({"rope_type", "type"});
  std::string type = rope.getString(typeKey).value_or("default");
  if (rope.failed() || type == "default")
    return;
  if (type != "yarn") {
    rope.failField(typeKey, "unsupported rope type (ds supports \"default\" "
                            "and \"yarn\")");
    return;
  }
  Yarn yarn;
  yarn.factor = rope.requireNumber("factor");
  yarn.originalMaxPositionEmbeddings =
      rope.getInt("original_max_position_embeddings")
          .value_or(f.getInt("original_max_position_embeddings").value_or(0));
  yarn.betaFast = rope.getNumber("beta_fast").value_or(32.0);
  yarn.betaSlow = rope.getNumber("beta_slow").value_or(1.0);
  yarn.mscale = rope.getNumber("mscale").value_or(0.0);
  yarn.mscaleAllDim = rope.getNumber("mscale_all_dim").value_or(0.0);
  yarn.attentionFactor = rope.getNumber("attention_factor").value_or(0.0);
  yarn.truncate = rope.getBool("truncate").value_or(true);
  if (rope.failed())
    return;
  // The rules are Yarn::validate()'s; errors name the config key.
  Yarn::Rule rule;
  if (Status s = yarn.validate(&rule); !s.ok()) {
    switch (rule) {
    case Yarn::Rule::Factor:
      return rope.failField("factor", std::isfinite(yarn.factor)
                                          ? "yarn factor must be >= 1"
                                          : "yarn factor must be finite");
    case Yarn::Rule::OriginalMaxPositionEmbeddings:
      return rope.failField("original_max_position_embeddings",
                            "yarn needs original_max_position_embeddings >= 1");
    case Yarn::Rule::Betas:
      return rope.failField(
          "beta_fast",
          formatv("yarn needs beta_fast > beta_slow ({0}) > 0", yarn.betaSlow));
    case Yarn::Rule::Mscales:
      return rope.failField(
          std::isfinite(yarn.mscale) && yarn.mscale >= 0 ? "mscale_all_dim"
                                                         : "mscale",
          "yarn mscale and mscale_all_dim must be finite and >= 0");
    case Yarn::Rule::AttentionFactor:
      return rope.failField("attention_factor",
                            "yarn attention_factor must be finite and >= 0");
    }
  }
  rope.checkAtLeast("original_max_position_embeddings",
                    yarn.originalMaxPositionEmbeddings, 1);
  // Finite fields can still scale cos/sin or MLA's softmax to infinity.
  if (!rope.failed() && !std::isfinite(yarn.effectiveAttentionFactor()))
    return rope.failField(yarn.attentionFactor ? "attention_factor" : "mscale",
                          "makes yarn's attention factor infinite");
  double mlaMscale = Yarn::computeMscale(yarn.factor, yarn.mscaleAllDim);
  if (!rope.failed() && isMla(cfg.family) &&
      !std::isfinite(mlaMscale * mlaMscale))
    return rope.failField("mscale_all_dim",
                          "makes the MLA softmax scale (mscale(factor, "
                          "mscale_all_dim)^2) infinite");
  cfg.yarn = yarn;
}

int64_t ConfigReader::readHeadDim(bool allowExplicit) {
  if (allowExplicit && f.has("head_dim")) {
    int64_t headDim = f.requireInt("head_dim");
    f.checkAtLeast("head_dim", headDim, 1);
    return headDim;
  }
  if (!f.failed() && cfg.hiddenSize % cfg.numHeads != 0)
    f.fail(formatv("field 'hidden_size': {0} is not divisible by "
                   "'num_attention_heads' ({1})",
                   cfg.hiddenSize, cfg.numHeads));
  return cfg.numHeads ? cfg.hiddenSize / cfg.numHeads : 0;
}

void ConfigReader::readAttention() {
  switch (cfg.family) {
  case Family::DeepseekV3:
  case Family::DeepseekV2: {
    MlaConfig mla;
    // `head_dim` of DeepSeek configs is the rope dim for HF's helper, not the
    // attention head size (models.md §1.4): it is never read here.
    mla.qLoraRank = f.getInt("q_lora_rank");
    if (mla.qLoraRank)
      f.checkAtLeast("q_lora_rank", *mla.qLoraRank, 1);
    mla.kvLoraRank = f.requireInt("kv_lora_rank");
    f.checkAtLeast("kv_lora_rank", mla.kvLoraRank, 1);
    mla.qkNopeHeadDim = f.requireInt("qk_nope_head_dim");
    f.checkAtLeast("qk_nope_head_dim", mla.qkNopeHeadDim, 1);
    mla.qkRopeHeadDim = f.requireInt("qk_rope_head_dim");
    f.checkAtLeast("qk_rope_head_dim", mla.qkRopeHeadDim, 2);
    if (!f.failed() && mla.qkRopeHeadDim % 2 != 0)
      f.failField("qk_rope_head_dim", "the rotary dimension must be even");
    mla.vHeadDim = f.requireInt("v_head_dim");
    f.checkAtLeast("v_head_dim", mla.vHeadDim, 1);
    if (!f.failed() && cfg.numKvHeads != cfg.numHeads)
      f.fail(formatv("field 'num_key_value_heads': MLA needs as many kv heads "
                     "as heads ({0}), got {1}",
                     cfg.numHeads, cfg.numKvHeads));
    cfg.mla = mla;
    if (f.getBool("attention_bias").value_or(false))
      f.failField("attention_bias", "MLA with attention bias is unsupported");
    return;
  }
  case Family::Deepseek:
  case Family::Mixtral:
  case Family::Olmoe:
    cfg.headDim = readHeadDim(cfg.family == Family::Mixtral);
    break;
  case Family::Qwen2Moe:
    cfg.headDim = readHeadDim(false);
    // Qwen2-MoE projects q, k, v with bias (config `qkv_bias`, default true).
    cfg.qkvBias = f.getBool("qkv_bias").value_or(true);
    break;
  case Family::Qwen3Moe:
    cfg.headDim = readHeadDim(true);
    cfg.qkvBias = f.getBool("attention_bias").value_or(false);
    cfg.qkNorm = QKNorm::PerHead;
    break;
  }
  if (cfg.family == Family::Olmoe) {
    cfg.qkNorm = QKNorm::FullWidth;
    if (std::optional<double> clip = f.getNumber("clip_qkv")) {
      f.checkPositive("clip_qkv", *clip);
      cfg.clipQkv = clip;
    }
  }
  if (!f.failed() && cfg.headDim % 2 != 0)
    f.fail(formatv("the attention head size {0} must be even for RoPE",
                   cfg.headDim));
}

int64_t ConfigReader::readExpertCount() {
  StringRef key = f.firstPresent(kExpertCountKeys);
  // The hub code of DeepSeek V2 and DeepSeekMoE builds dense layers only
  // when `n_routed_experts` is null; every other family needs experts.
  bool mayBeDense =
      cfg.family == Family::DeepseekV2 || cfg.family == Family::Deepseek;
  if (mayBeDense && !f.has(key))
    return 0;
  int64_t experts = f.requireInt(key);
  f.checkAtLeast(key, experts, 1);
  return experts;
}

void ConfigReader::readFeedForward() {
  cfg.numExperts = readExpertCount();
  switch (cfg.family) {
  case Family::DeepseekV3:
  case Family::DeepseekV2:
  case Family::Deepseek: {
    cfg.intermediateSize = f.requireInt("intermediate_size");
    cfg.moeIntermediateSize =
        cfg.numExperts ? f.requireInt("moe_intermediate_size") : 0;
    int64_t shared = f.getInt("n_shared_experts")
                         .value_or(cfg.family == Family::DeepseekV3 ? 1 : 0);
    f.checkAtLeast("n_shared_experts", shared, 0);
    f.checkAtLeast("moe_intermediate_size", cfg.moeIntermediateSize, 0);
    if (f.failed())
      break;
    checkProduct({{"n_shared_experts", shared},
                  {"moe_intermediate_size", cfg.moeIntermediateSize}},
                 kMaxDimSize, "the shared experts' intermediate size");
    cfg.sharedIntermediateSize =
        checkedMul(shared, cfg.moeIntermediateSize).value_or(0);
    break;
  }
  case Family::Mixtral:
  case Family::Olmoe:
    // The experts are `intermediate_size` wide; there is no dense MLP.
    cfg.moeIntermediateSize = f.requireInt("intermediate_size");
    break;
  case Family::Qwen2Moe:
  case Family::Qwen3Moe:
    cfg.intermediateSize = f.requireInt("intermediate_size");
    cfg.moeIntermediateSize = f.requireInt("moe_intermediate_size");
    if (cfg.family == Family::Qwen2Moe) {
      cfg.sharedIntermediateSize =
          f.getInt("shared_expert_intermediate_size").value_or(0);
      f.checkAtLeast("shared_expert_intermediate_size",
                     cfg.sharedIntermediateSize, 0);
      cfg.sharedExpertGate = cfg.sharedIntermediateSize > 0;
    }
    break;
  }
  if (cfg.intermediateSize)
    f.checkAtLeast("intermediate_size", cfg.intermediateSize, 1);
  if (cfg.numExperts) {
    f.checkAtLeast(cfg.family == Family::Mixtral || cfg.family == Family::Olmoe
                       ? "intermediate_size"
                       : "moe_intermediate_size",
                   cfg.moeIntermediateSize, 1);
    readRouter();
  }
}

void ConfigReader::readRouter() {
  RouterConfig &r = cfg.router;
  r.topK = f.requireInt("num_experts_per_tok");

  switch (cfg.family) {
  case Family::DeepseekV3:
  case Family::DeepseekV2: {
    bool v3 = cfg.family == Family::DeepseekV3;
    std::string scoring =
        f.getString("scoring_func").value_or(v3 ? "sigmoid" : "softmax");
    if (scoring == "softmax")
      r.scoring = Scoring::Softmax;
    else if (scoring == "sigmoid")
      r.scoring = Scoring::Sigmoid;
    else if (!f.failed())
      f.failField("scoring_func", "expected \"softmax\" or \"sigmoid\"");
    std::string method =
        f.getString("topk_method").value_or(v3 ? "noaux_tc" : "greedy");
    if (method == "greedy")
      r.selection = Selection::Greedy;
    else if (method == "group_limited_greedy")
      r.selection = Selection::GroupLimited;
    else if (method == "noaux_tc")
      r.selection = Selection::NoauxTc;
    else if (!f.failed())
      f.failField("topk_method", "expected \"greedy\", "
                                 "\"group_limited_greedy\" or \"noaux_tc\"");
    r.normTopkProb = f.getBool("norm_topk_prob").value_or(v3);
    r.routedScalingFactor =
        f.getNumber("routed_scaling_factor").value_or(v3 ? 2.5 : 1.0);
    cfg.routerCorrectionBias = r.selection == Selection::NoauxTc;
    if (r.selection != Selection::Greedy) {
      r.nGroup = f.getInt("n_group").value_or(v3 ? 8 : 1);
      r.topkGroup = f.getInt("topk_group").value_or(v3 ? 4 : 1);
    }
    break;
  }
  case Family::Deepseek:
    // DeepSeekMoE 16B: softmax top-k, no renormalization, no scaling.
    r.normTopkProb = f.getBool("norm_topk_prob").value_or(false);
    break;
  case Family::Mixtral:
    // Mixtral always renormalizes the top-k weights.
    r.normTopkProb = true;
    break;
  case Family::Qwen2Moe:
  case Family::Qwen3Moe:
  case Family::Olmoe:
    r.normTopkProb = f.getBool("norm_topk_prob").value_or(false);
    break;
  }
  if (f.failed())
    return;

  // The rules are RouterConfig::validate()'s (models.md §2.4); errors name
  // the config key.
  RouterConfig::Rule rule;
  Status s = r.validate(cfg.numExperts, &rule);
  if (s.ok())
    return;
  int64_t perGroup = cfg.numExperts / std::max<int64_t>(r.nGroup, 1);
  switch (rule) {
  case RouterConfig::Rule::TopK:
    return f.failField("num_experts_per_tok", "must be >= 1");
  case RouterConfig::Rule::TopKExperts:
    return f.failField(
        "num_experts_per_tok",
        formatv("top-k must not exceed the number of experts ({0})",
                cfg.numExperts));
  case RouterConfig::Rule::TopKKeptGroups:
    return f.failField(
        "num_experts_per_tok",
        formatv("top-k must not exceed the experts of the kept groups "
                "(topk_group {0} x {1})",
                r.topkGroup, perGroup));
  case RouterConfig::Rule::NGroup:
    return f.failField("n_group", "must be >= 1");
  case RouterConfig::Rule::GreedyGroups:
    return f.fail(s.message());
  case RouterConfig::Rule::NGroupDivides:
    return f.failField("n_group",
                       formatv("the number of experts ({0}) must be divisible "
                               "by n_group",
                               cfg.numExperts));
  case RouterConfig::Rule::NoauxGroupSize:
    return f.failField("n_group", "noaux_tc scores a group by its two best "
                                  "experts, so each group needs >= 2 experts");
  case RouterConfig::Rule::TopkGroup:
    return f.failField("topk_group",
                       formatv("must be in [1, n_group = {0}]", r.nGroup));
  case RouterConfig::Rule::RoutedScalingFactor:
    return f.failField("routed_scaling_factor", "must be a finite number > 0");
  }
}

void ConfigReader::readQuantization() {
  const json::Object *quant = f.getObject("quantization_config");
  if (!quant)
    return;
  ConfigFields q = f.nested(*quant, "quantization_config");
  std::string method = q.requireString("quant_method");
  if (!q.failed() && method != "fp8")
    return q.failField("quant_method", "only DeepSeek's \"fp8\" block "
                                       "quantization is supported");
  if (std::optional<std::string> fmt = q.getString("fmt"))
    if (*fmt != "e4m3")
      return q.failField("fmt", "only \"e4m3\" is supported");
  Quant blocks; // DeepSeek's default: fp8_e4m3 in 128x128 blocks
  if (const json::Array *block = q.getArray("weight_block_size")) {
    if (block->size() != 2 || !(*block)[0].getAsInteger() ||
        !(*block)[1].getAsInteger() || *(*block)[0].getAsInteger() < 1 ||
        *(*block)[1].getAsInteger() < 1)
      return q.failField("weight_block_size",
                         "expected two positive integers [rows, cols]");
    if (*(*block)[0].getAsInteger() > kMaxDimSize ||
        *(*block)[1].getAsInteger() > kMaxDimSize)
      return q.failField(
          "weight_block_size",
          formatv("block sizes must be <= {0} (ds's ceiling)", kMaxDimSize));
    blocks.blockRows = *(*block)[0].getAsInteger();
    blocks.blockCols = *(*block)[1].getAsInteger();
  }
  if (q.failed())
    return;
  if (Status s = blocks.validate(); !s.ok())
    return q.failField("weight_block_size",
                       "expected two positive integers [rows, cols]");
  cfg.quant = blocks;
}

void ConfigReader::readLayers() {
  if (f.failed())
    return;
  cfg.layers.assign(cfg.numLayers, LayerConfig());
  if (cfg.numExperts > 0)
    assignMoeLayers();
  bool anyDense =
      llvm::any_of(cfg.layers, [](const LayerConfig &l) { return !l.moe; });
  if (!f.failed() && anyDense && cfg.intermediateSize < 1)
    f.fail("dense layers need 'intermediate_size' >= 1");
}

void ConfigReader::assignMoeLayers() {
  switch (cfg.family) {
  case Family::DeepseekV3:
  case Family::DeepseekV2:
  case Family::Deepseek: {
    // Hub remote code: MoE iff experts exist, i >= first_k_dense_replace and
    // i % moe_layer_freq == 0 (transformers ignores the frequency).
    int64_t firstDense =
        f.getInt("first_k_dense_replace")
            .value_or(cfg.family == Family::DeepseekV3 ? 3 : 0);
    f.checkAtLeast("first_k_dense_replace", firstDense, 0);
    int64_t freq = f.getInt("moe_layer_freq").value_or(1);
    f.checkAtLeast("moe_layer_freq", freq, 1);
    if (f.failed())
      return;
    for (int64_t i = 0; i < cfg.numLayers; ++i)
      cfg.layers[i].moe = i >= firstDense && i % freq == 0;
    cfg.numExtraCheckpointLayers =
        f.getInt("num_nextn_predict_layers").value_or(0);
    f.checkAtLeast("num_nextn_predict_layers", cfg.numExtraCheckpointLayers, 0,
                   kMaxLayers);
    break;
  }
  case Family::Qwen2Moe:
  case Family::Qwen3Moe: {
    // MoE iff i not in mlp_only_layers and (i + 1) % decoder_sparse_step == 0.
    int64_t step = f.getInt("decoder_sparse_step").value_or(1);
    f.checkAtLeast("decoder_sparse_step", step, 1);
    std::vector<bool> mlpOnly(cfg.numLayers, false);
    if (const json::Array *only = f.getArray("mlp_only_layers")) {
      for (const json::Value &v : *only) {
        std::optional<int64_t> i = v.getAsInteger();
        if (!i || *i < 0 || *i >= cfg.numLayers)
          return f.failField("mlp_only_layers",
                             formatv("entries must be layer indices in [0, "
                                     "{0})",
                                     cfg.numLayers));
        mlpOnly[*i] = true;
      }
    }
    if (f.failed())
      return;
    for (int64_t i = 0; i < cfg.numLayers; ++i)
      cfg.layers[i].moe = !mlpOnly[i] && (i + 1) % step == 0;
    break;
  }
  case Family::Mixtral:
  case Family::Olmoe:
    for (LayerConfig &layer : cfg.layers)
      layer.moe = true;
    break;
  }
}

/// The sliding window of `size` keys that `sliding_window` asks for, checked
/// by Window::validate() (its one rule here: size >= 1).
static Window slidingWindow(ConfigFields &f, int64_t size) {
  Window window{WindowKind::Sliding, size, 0};
  if (f.failed())
    return window;
  if (Status s = window.validate(); !s.ok())
    f.failField("sliding_window", "must be >= 1");
  return window;
}

void ConfigReader::readWindows() {
  if (f.failed())
    return;
  // transformers v5 spells the window of each layer out.
  if (const json::Array *types = f.getArray("layer_types")) {
    if (static_cast<int64_t>(types->size()) != cfg.numLayers)
      return f.failField(
          "layer_types",
          formatv("expected {0} entries (num_hidden_layers)", cfg.numLayers));
    Window window;
    for (auto [i, v] : llvm::enumerate(*types)) {
      std::optional<StringRef> type = v.getAsString();
      if (type == "full_attention")
        continue;
      if (type != "sliding_attention")
        return f.failField("layer_types",
                           "entries must be \"full_attention\" or "
                           "\"sliding_attention\"");
      if (!window.size) {
        window = slidingWindow(f, f.requireInt("sliding_window"));
        if (f.failed())
          return;
      }
      cfg.layers[i].window = window;
    }
    return;
  }
  std::optional<int64_t> size = f.getInt("sliding_window");
  if (!size)
    return;
  switch (cfg.family) {
  case Family::Mixtral: {
    // Mistral-style: every layer slides when `sliding_window` is set.
    Window window = slidingWindow(f, *size);
    if (f.failed())
      return;
    for (LayerConfig &layer : cfg.layers)
      layer.window = window;
    return;
  }
  case Family::Qwen2Moe:
  case Family::Qwen3Moe: {
    // Qwen2-style: only with `use_sliding_window`; the transformers config
    // marks layer i sliding iff (i + 1) % 2 == 1 and i < max_window_layers
    // (models.md §2.5).
    if (!f.getBool("use_sliding_window").value_or(false))
      return;
    Window window = slidingWindow(f, *size);
    if (f.failed())
      return;
    int64_t maxWindowLayers =
        f.getInt("max_window_layers").value_or(cfg.numLayers);
    for (int64_t i = 0; i < cfg.numLayers; ++i) {
      if ((i + 1) % 2 == 1 && i < maxWindowLayers)
        cfg.layers[i].window = window;
    }
    return;
  }
  default:
    return;
  }
}

void ConfigReader::checkProduct(ArrayRef<std::pair<StringRef, int64_t>> factors,
                                int64_t limit, StringRef what) {
  if (f.failed())
    return;
  std::optional<int64_t> product = 1;
  double approx = 1;
  std::string text;
  for (auto [name, value] : factors) {
    product = product ? checkedMul(*product, value) : std::nullopt;
    approx *= static_cast<double>(value);
    // A constant factor has no name.
    text += (text.empty() ? "" : " x ") +
            (name.empty() ? std::to_string(value)
                          : name.str() + " (" + std::to_string(value) + ")");
  }
  if (product && *product <= limit)
    return;
  f.fail(formatv("field '{0}': {1} = {2} exceeds ds's ceiling of {3} for {4}",
                 f.fieldName(factors.front().first), text,
                 product ? std::to_string(*product)
                         : formatv("{0:e3}", approx).str(),
                 limit, what));
}

void ConfigReader::checkDerivedSizes() {
  if (f.failed())
    return;
  // Each value is at most kMaxDimSize (2^24) here, so sums of two cannot
  // overflow; products are checked.
  const int64_t dim = kMaxDimSize, elements = kMaxTensorElements;
  const int64_t h = cfg.hiddenSize, heads = cfg.numHeads;
  checkProduct({{"vocab_size", cfg.vocabSize}, {"hidden_size", h}}, elements,
               "the embedding table");
  if (const std::optional<MlaConfig> &mla = cfg.mla) {
    int64_t qkHead = mla->qkNopeHeadDim + mla->qkRopeHeadDim;
    int64_t kvHead = mla->qkNopeHeadDim + mla->vHeadDim;
    int64_t latent = mla->kvLoraRank + mla->qkRopeHeadDim;
    StringRef qInKey = mla->qLoraRank ? "q_lora_rank" : "hidden_size";
    int64_t qIn = mla->qLoraRank.value_or(h);
    checkProduct({{"num_attention_heads", heads},
                  {"qk_nope_head_dim + qk_rope_head_dim", qkHead}},
                 dim, "the query projection");
    checkProduct({{"num_attention_heads", heads},
                  {"qk_nope_head_dim + v_head_dim", kvHead}},
                 dim, "the key/value up-projection");
    checkProduct({{"kv_lora_rank + qk_rope_head_dim", latent}}, dim,
                 "the compressed key/value projection");
    checkProduct({{"num_attention_heads", heads},
                  {"qk_nope_head_dim + qk_rope_head_dim", qkHead},
                  {qInKey, qIn}},
                 elements, "the query projection weight");
    if (mla->qLoraRank)
      checkProduct({{"q_lora_rank", *mla->qLoraRank}, {"hidden_size", h}},
                   elements, "the query down-projection weight");
    checkProduct(
        {{"kv_lora_rank + qk_rope_head_dim", latent}, {"hidden_size", h}},
        elements, "the key/value down-projection weight");
    checkProduct({{"num_attention_heads", heads},
                  {"qk_nope_head_dim + v_head_dim", kvHead},
                  {"kv_lora_rank", mla->kvLoraRank}},
                 elements, "the key/value up-projection weight");
    checkProduct({{"num_attention_heads", heads},
                  {"v_head_dim", mla->vHeadDim},
                  {"hidden_size", h}},
                 elements, "the attention output weight");
  } else {
    // The key/value heads divide the query heads, so q bounds k and v.
    checkProduct({{"num_attention_heads", heads}, {"head_dim", cfg.headDim}},
                 dim, "the query projection");
    checkProduct({{"num_attention_heads", heads},
                  {"head_dim", cfg.headDim},
                  {"hidden_size", h}},
                 elements, "the query and output projection weights");
  }
  if (cfg.intermediateSize)
    checkProduct(
        {{"intermediate_size", cfg.intermediateSize}, {"hidden_size", h}},
        elements, "the dense MLP weights");
  if (cfg.numExperts) {
    StringRef widthKey =
        cfg.family == Family::Mixtral || cfg.family == Family::Olmoe
            ? "intermediate_size"
            : "moe_intermediate_size";
    StringRef countKey = f.firstPresent(kExpertCountKeys);
    // Fused (transformers v5) checkpoints stack gate and up: [E, 2I, H].
    checkProduct({{widthKey, cfg.moeIntermediateSize}, {"", 2}}, dim,
                 "the fused gate/up expert projection");
    checkProduct({{countKey, cfg.numExperts},
                  {widthKey, cfg.moeIntermediateSize},
                  {"", 2},
                  {"hidden_size", h}},
                 elements, "the stacked gate/up expert weights");
  }
  if (cfg.sharedIntermediateSize)
    checkProduct({{cfg.family == Family::Qwen2Moe
                       ? "shared_expert_intermediate_size"
                       : "n_shared_experts x moe_intermediate_size",
                   cfg.sharedIntermediateSize},
                  {"hidden_size", h}},
                 elements, "the shared expert weights");
}

/// Fails when `json` nests arrays and objects deeper than kMaxJsonDepth, so
/// that the recursive parser cannot exhaust the stack.
static Error checkJsonNesting(StringRef json, StringRef sourceName) {
  int64_t depth = 0;
  bool inString = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return createStringError(
            inconvertibleErrorCode(),
            "%s: JSON nested deeper than %d levels at byte offset %zu",
            sourceName.str().c_str(), kMaxJsonDepth, i);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return Error::success();
}

llvm::Expected<ModelConfig>
ds::frontend::parseModelConfig(StringRef json, StringRef sourceName) {
  if (json.size() > kMaxConfigBytes)
    return createStringError(inconvertibleErrorCode(),
                             "%s: %zu bytes is larger than a config can be "
                             "(%zu bytes at most)",
                             sourceName.str().c_str(), json.size(),
                             kMaxConfigBytes);
  if (Error error = checkJsonNesting(json, sourceName))
    return std::move(error);
  llvm::Expected<json::Value> parsed = json::parse(json);
  if (!parsed)
    return createStringError(inconvertibleErrorCode(), "%s: not valid JSON: %s",
                             sourceName.str().c_str(),
                             toString(parsed.takeError()).c_str());
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return createStringError(inconvertibleErrorCode(),
                             "%s: expected a JSON object at the top level",
                             sourceName.str().c_str());
  ConfigFields fields(*root, sourceName);
  ModelConfig cfg;
  cfg.sourceName = sourceName.str();
  std::string modelType = fields.requireString("model_type");
  if (fields.failed())
    return fields.takeError();
  std::optional<Family> family = parseFamily(modelType);
  if (!family) {
    fields.failField("model_type",
                     "unknown model type (supported: deepseek_v3, "
                     "deepseek_v2, deepseek, mixtral, qwen2_moe, qwen3_moe, "
                     "olmoe)");
    return fields.takeError();
  }
  cfg.family = *family;
  ConfigReader(fields, cfg).read();
  if (fields.failed())
    return fields.takeError();
  return cfg;
}
