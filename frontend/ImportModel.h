//===- ImportModel.h - build moe IR from a model config ---------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_FRONTEND_IMPORTMODEL_H
#define DS_FRONTEND_IMPORTMODEL_H

#include "frontend/ModelConfig.h"

#include "dialects/moe/MoeAttrs.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace ds::frontend {

/// How a checkpoint stores routed-expert weights.
enum class ExpertLayout {
  /// One tensor per expert and projection (`experts.E.gate_proj.weight`;
  /// Mixtral `experts.E.w1.weight`): the on-disk format of released models.
  PerExpert,
  /// transformers v5 fused 3-D tensors (`experts.gate_up_proj` [E, 2I, H],
  /// `experts.down_proj` [E, H, I]).
  Fused,
};

struct ImportOptions {
  /// Import only the first N decoder layers (all when unset).
  std::optional<int64_t> numLayers;
  /// Upper bound on tokens per call, recorded for buffer planning.
  std::optional<int64_t> maxTokens;
  /// Activation element type: "bf16", "f16" or "f32" (default: the
  /// checkpoint dtype).
  std::optional<std::string> activationDtype;
  ExpertLayout expertLayout = ExpertLayout::PerExpert;
  /// Score of experts in dropped groups under group-limited routing: -inf
  /// (DeepSeek's reference inference) or 0.0 (transformers, which can pick a
  /// dropped expert over a kept one whose biased score is negative).
  moe::GroupFill groupFill = moe::GroupFill::neg_inf;
};

/// Builds the `moe` module of a model: module-level parameters keyed by the
/// checkpoint's tensor names and `func.func @forward(%input_ids: tensor<?xi32>,
/// %positions: tensor<?xi32>) -> tensor<?xVxf32>` returning the logits.
/// Invalid options are an error naming the option and its value.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(mlir::MLIRContext &context, const ModelConfig &config,
            const ImportOptions &options);

} // namespace ds::frontend

#endif // DS_FRONTEND_IMPORTMODEL_H
