//===- ModelBuilder.h - IR building helpers of the importer -----*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Private to frontend/: the state and small helpers shared by the pieces of
// the importer (model skeleton, attention, feed-forward).
//
//===----------------------------------------------------------------------===//

#ifndef DS_FRONTEND_MODELBUILDER_H
#define DS_FRONTEND_MODELBUILDER_H

#include "frontend/ImportModel.h"

#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

namespace ds::frontend {

class ModelBuilder {
public:
  ModelBuilder(mlir::ModuleOp module, const ModelConfig &config,
               const ImportOptions &options, mlir::Type activationType);

  /// Builds `@forward` with `numLayers` decoder layers.
  void buildForward(int64_t numLayers);

private:
  //===--- Attention (ImportAttention.cpp) ------------------------------===//
  /// The attention half of layer `layer`: input norm and attention of `x`
  /// (the residual stream); returns the attention output (before the
  /// residual add).
  mlir::Value buildAttention(int64_t layer, mlir::Value x);
  mlir::Value buildMlaAttention(const std::string &prefix, mlir::Value x,
                                const LayerConfig &layer);
  mlir::Value buildGqaAttention(const std::string &prefix, mlir::Value x,
                                const LayerConfig &layer);
  mlir::Value rope(mlir::Value x);

  //===--- Feed-forward blocks (ImportFeedForward.cpp) ------------------===//
  /// Residual add + post-attention norm, then the dense MLP or MoE block of
  /// layer `layer`; returns the next residual stream.
  mlir::Value buildFeedForward(int64_t layer, mlir::Value residual,
                               mlir::Value attention);
  /// `down(swiglu(gate(x), up(x)))` with `prefix.{gate,up,down}_proj`.
  mlir::Value buildMlp(const std::string &prefix, mlir::Value x, int64_t width);
  mlir::Value buildMoe(const std::string &prefix, mlir::Value x);
  /// Gate, up and down expert weights ([E, I, H], [E, I, H], [E, H, I]) and,
  /// for FP8 checkpoints, their three scales.
  void loadExperts(const std::string &prefix,
                   llvm::SmallVectorImpl<mlir::Value> &weights,
                   llvm::SmallVectorImpl<mlir::Value> &scales);

  //===--- Helpers (ModelBuilder.cpp) ----------------------------------===//
  /// Declares a parameter `key` (a checkpoint key; `*` stacks) and loads it.
  mlir::Value param(const std::string &key, llvm::ArrayRef<int64_t> shape,
                    mlir::Type elementType);
  /// The parameter of a linear weight `<prefix>.weight` ([out, in]); FP8
  /// checkpoints add `<prefix>.weight_scale_inv`. Leading `stack` dims are
  /// prepended (stacked experts, key with `*`).
  struct Weight {
    mlir::Value weight;
    mlir::Value scales; // null for dense weights
  };
  Weight linearWeight(const std::string &prefix, int64_t out, int64_t in,
                      llvm::ArrayRef<int64_t> stack = {});
  /// `moe.linear` of `x` ([T, in]) with `<prefix>.weight` (+ bias).
  mlir::Value linear(const std::string &prefix, mlir::Value x, int64_t out,
                     bool bias = false);
  mlir::Value rmsNorm(const std::string &key, mlir::Value x, double eps);
  /// [T, a·b] -> [T, a, b].
  mlir::Value splitHeads(mlir::Value x, int64_t heads, int64_t dim);
  /// [T, a, b] -> [T, a·b].
  mlir::Value mergeHeads(mlir::Value x);
  /// Static slice [offset, offset + size) of the last dimension.
  mlir::Value sliceLast(mlir::Value x, int64_t offset, int64_t size);
  /// OLMoE's clamp(x, -clip_qkv, clip_qkv).
  mlir::Value clipQkv(mlir::Value x);

  mlir::RankedTensorType tokens(llvm::ArrayRef<int64_t> trailing,
                                mlir::Type elementType = {});

  mlir::Location loc(const llvm::Twine &name);

  mlir::ModuleOp module;
  const ModelConfig &cfg;
  const ImportOptions &options;
  mlir::MLIRContext *ctx;
  mlir::OpBuilder b;            // inside @forward
  mlir::OpBuilder params;       // module body, before @forward
  mlir::Type act;               // activation element type
  mlir::Type weightType;        // dense weight element type (checkpoint dtype)
  mlir::Value numTokens;        // index
  mlir::Value positions;        // [T] i32
  moe::QuantAttr fp8Quant;      // FP8 checkpoints
  moe::RopeStyleAttr ropeStyle; // the model's RoPE layout
  moe::YarnAttr ropeScaling;    // null without YaRN
  /// The splatted bounds of clipQkv(), one pair per tensor type.
  llvm::DenseMap<mlir::Type, std::pair<mlir::Value, mlir::Value>> clipBounds;
};

} // namespace ds::frontend

#endif // DS_FRONTEND_MODELBUILDER_H
