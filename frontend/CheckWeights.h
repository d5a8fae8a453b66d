//===- CheckWeights.h - does a checkpoint fit an imported module? -*- C++
//-*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_FRONTEND_CHECKWEIGHTS_H
#define DS_FRONTEND_CHECKWEIGHTS_H

#include "frontend/ImportModel.h"

#include "ds/binding.h"
#include "ds/safetensors.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace ds::frontend {

/// The result of comparing a module's parameters with a checkpoint. Every
/// entry is one line naming the tensor (and the file that holds it).
struct CheckReport {
  size_t expected = 0; // checkpoint tensors the module reads
  size_t matched = 0;
  size_t ignored = 0; // checkpoint tensors of layers that were not imported
  std::vector<std::string> missing;
  std::vector<std::string> extra;
  std::vector<std::string> wrongShape;
  std::vector<std::string> wrongDtype;

  bool ok() const {
    return missing.empty() && extra.empty() && wrongShape.empty() &&
           wrongDtype.empty();
  }
  void print(llvm::raw_ostream &os) const;
};

/// Whether `dir` holds `model.safetensors` or `model.safetensors.index.json`.
bool hasCheckpoint(llvm::StringRef dir);

/// Fused when `checkpoint` stores transformers-v5 fused experts
/// (`*.experts.gate_up_proj`), else per-expert.
ExpertLayout detectExpertLayout(const ds::Checkpoint &checkpoint);

/// Compares `checkpoint` (opened, so validated) with every keyed
/// `moe.parameter` of `module` with the weight binding (ds/binding.h);
/// tensors of layers not imported are counted as ignored, not extra.
llvm::Expected<CheckReport> checkCheckpoint(mlir::ModuleOp module,
                                            const ModelConfig &config,
                                            const ds::Checkpoint &checkpoint);

} // namespace ds::frontend

#endif // DS_FRONTEND_CHECKWEIGHTS_H
