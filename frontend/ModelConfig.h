//===- ModelConfig.h - normalized Hugging Face model configs ----*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// A Hugging Face `config.json` of one of the supported families, read into
// one normalized description: field aliases (transformers v4 and v5), family
// defaults and the per-layer rules (dense vs MoE layers, attention windows)
// are resolved here, so the IR builder never looks at JSON.
//
//===----------------------------------------------------------------------===//

#ifndef DS_FRONTEND_MODELCONFIG_H
#define DS_FRONTEND_MODELCONFIG_H

#include "dialects/moe/MoeAttrs.h"
#include "ds/limits.h"
#include "ds/op_attrs.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ds::frontend {

/// The model families ds imports (their `model_type`).
enum class Family {
  DeepseekV3, // deepseek_v3
  DeepseekV2, // deepseek_v2
  Deepseek,   // deepseek (DeepSeekMoE 16B, hub remote code)
  Mixtral,    // mixtral
  Qwen2Moe,   // qwen2_moe
  Qwen3Moe,   // qwen3_moe
  Olmoe,      // olmoe
};

/// The `model_type` string of a family.
llvm::StringRef familyName(Family family);

/// Multi-head latent attention dimensions (DeepSeek-V2/V3).
struct MlaConfig {
  std::optional<int64_t> qLoraRank; // nullopt: a single q_proj
  int64_t kvLoraRank = 0;
  int64_t qkNopeHeadDim = 0;
  int64_t qkRopeHeadDim = 0;
  int64_t vHeadDim = 0;
};

/// How q and k are normalized before RoPE.
enum class QKNorm {
  None,
  PerHead,   // Qwen3-MoE: RMSNorm over head_dim of each head
  FullWidth, // OLMoE: RMSNorm over the whole projection
};

/// What one decoder layer holds.
struct LayerConfig {
  bool moe = false;
  Window window;
};

/// Checkpoint names and dtype conventions that differ between families. The
/// config reader decides them, so the IR builder holds no family rules.
struct FamilyConventions {
  /// The MoE block of a layer in per-expert checkpoints: `mlp`, or Mixtral's
  /// `block_sparse_moe` (the v5 fused layout always says `mlp`).
  std::string perExpertMoeBlock = "mlp";
  /// The routed-expert projections in per-expert checkpoints (Mixtral: w1,
  /// w3, w2).
  std::string expertGate = "gate_proj";
  std::string expertUp = "up_proj";
  std::string expertDown = "down_proj";
  /// The shared expert MLP: DeepSeek's `shared_experts`, Qwen2-MoE's
  /// `shared_expert`.
  std::string sharedExperts = "shared_experts";
  /// DeepSeek keeps the routing weights in f32; the other families cast them
  /// to the activation dtype before weighting the experts.
  bool routerWeightsF32 = false;
};

/// A normalized model configuration. The op attribute sets (router, YaRN,
/// windows, quantization) are the shared structs of ds/op_attrs.h, checked
/// with their validate().
struct ModelConfig {
  Family family = Family::Mixtral;
  std::string sourceName; // file the config came from (for messages)

  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t numLayers = 0;
  int64_t numHeads = 0;
  int64_t numKvHeads = 0;
  /// Attention head size for non-MLA families.
  int64_t headDim = 0;
  double rmsNormEps = 1e-6;
  int64_t maxPositionEmbeddings = 0;
  bool tieWordEmbeddings = false;
  /// Checkpoint dtype: "bfloat16", "float16" or "float32".
  std::string dtype = "bfloat16";

  // Attention.
  std::optional<MlaConfig> mla;
  bool qkvBias = false;
  QKNorm qkNorm = QKNorm::None;
  std::optional<double> clipQkv;
  double ropeTheta = 10000.0;
  RopeStyle ropeStyle = RopeStyle::HalfSplit;
  std::optional<Yarn> yarn;

  // Feed-forward.
  int64_t intermediateSize = 0;    // dense MLP width
  int64_t moeIntermediateSize = 0; // routed expert width
  int64_t numExperts = 0;
  /// The router, except `groupFill` (an import option).
  RouterConfig router;
  /// `e_score_correction_bias` exists (noaux_tc).
  bool routerCorrectionBias = false;
  /// Total width of the shared expert MLP (0: none).
  int64_t sharedIntermediateSize = 0;
  /// Qwen2-MoE: the shared expert output is scaled by
  /// sigmoid(x · shared_expert_gateᵀ).
  bool sharedExpertGate = false;

  // Weights.
  /// DeepSeek FP8 checkpoints: block-quantized e4m3 linears.
  std::optional<Quant> quant;

  std::vector<LayerConfig> layers;
  FamilyConventions conventions;

  /// Layers stored in the checkpoint beyond `numLayers` that inference
  /// ignores (DeepSeek-V3's MTP layer).
  int64_t numExtraCheckpointLayers = 0;
};

/// Ceilings of a config, beyond ds/limits.h's ceilings on one tensor dimension
/// (every size field) and one tensor's element count (every weight the config
/// implies): the decoder layers (DeepSeek-V3 has 61), the file size and the
/// JSON nesting depth (configs nest 3 levels; the JSON parser recurses).
inline constexpr int64_t kMaxLayers = 1024;
inline constexpr size_t kMaxConfigBytes = size_t(16) << 20;
inline constexpr int kMaxJsonDepth = 32;

/// Parses and validates a `config.json`. Errors name the file, the field and
/// the offending value; every size is checked against the ceilings above,
/// products of sizes with overflow checks.
llvm::Expected<ModelConfig> parseModelConfig(llvm::StringRef json,
                                             llvm::StringRef sourceName);

} // namespace ds::frontend

#endif // DS_FRONTEND_MODELCONFIG_H
