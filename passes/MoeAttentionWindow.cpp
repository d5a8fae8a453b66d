//===- MoeAttentionWindow.cpp - set the attention window of every layer ---===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoeParameterTable.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <string>

namespace ds {
#define GEN_PASS_DEF_MOEATTENTIONWINDOW
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::moe;

namespace {

/// A parsed `policy` option.
struct Policy {
  enum class Kind { Config, Uniform, LocalGlobal, Adaptive };
  Kind kind = Kind::Config;
  int64_t window = 0;    ///< W
  int64_t every = 0;     ///< n (local-global)
  int64_t threshold = 0; ///< L (adaptive)
  int64_t sinks = 0;     ///< G (local-global, adaptive with sinks; 0: none)
};

constexpr llvm::StringLiteral kGrammar =
    "expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or "
    "'adaptive=W:L[:sinks]'";

/// Parses a decimal integer that must be all of `text`.
std::optional<int64_t> parseInt(llvm::StringRef text) {
  int64_t value = 0;
  if (text.empty() || text.getAsInteger(10, value))
    return std::nullopt;
  return value;
}

/// Parses `text` into `policy`, or returns the reason it does not parse or
/// is out of range.
std::optional<std::string> parsePolicy(llvm::StringRef text, Policy &policy) {
  if (text == "config") {
    policy.kind = Policy::Kind::Config;
    return std::nullopt;
  }
  if (!text.contains('='))
    return kGrammar.str();
  auto [name, args] = text.split('=');
  llvm::SmallVector<llvm::StringRef, 3> fields;
  args.split(fields, ':');
  if (name == "uniform" && fields.size() == 1)
    policy.kind = Policy::Kind::Uniform;
  else if (name == "local-global" && (fields.size() == 2 || fields.size() == 3))
    policy.kind = Policy::Kind::LocalGlobal;
  else if (name == "adaptive" && (fields.size() == 2 || fields.size() == 3))
    policy.kind = Policy::Kind::Adaptive;
  else
    return kGrammar.str();
  int64_t values[3] = {0, 0, 0};
  for (auto [i, field] : llvm::enumerate(fields)) {
    std::optional<int64_t> value = parseInt(field);
    if (!value)
      return (llvm::Twine("'") + field + "' is not an integer; " + kGrammar)
          .str();
    values[i] = *value;
  }
  policy.window = values[0];
  if (policy.kind == Policy::Kind::Adaptive)
    policy.threshold = values[1];
  else
    policy.every = values[1];
  policy.sinks = values[2];
  if (policy.window < 1)
    return "the window W must be >= 1, got " + std::to_string(policy.window);
  if (policy.kind == Policy::Kind::Uniform)
    return std::nullopt;
  if (policy.kind == Policy::Kind::Adaptive && policy.threshold < 1)
    return "up to L keys a layer is global: L must be >= 1, got " +
           std::to_string(policy.threshold);
  if (policy.kind == Policy::Kind::LocalGlobal && policy.every < 1)
    return "every n-th layer is global: n must be >= 1, got " +
           std::to_string(policy.every);
  if (fields.size() == 3 && policy.sinks < 1)
    return "the sinks must be >= 1, got " + std::to_string(policy.sinks);
  return std::nullopt;
}

/// The window of the `layer`-th attention op of a function under `policy`,
/// or none to keep the op's own.
std::optional<WindowAttr> windowFor(MLIRContext *ctx, const Policy &policy,
                                    int64_t layer) {
  switch (policy.kind) {
  case Policy::Kind::Config:
    return std::nullopt;
  case Policy::Kind::Uniform:
    return WindowAttr::get(ctx, WindowKind::sliding, policy.window, 0, 0);
  case Policy::Kind::LocalGlobal:
    if ((layer + 1) % policy.every == 0)
      return WindowAttr::get(ctx, WindowKind::global, 0, 0, 0);
    if (policy.sinks > 0)
      return WindowAttr::get(ctx, WindowKind::local_global, policy.window,
                             policy.sinks, 0);
    return WindowAttr::get(ctx, WindowKind::sliding, policy.window, 0, 0);
  case Policy::Kind::Adaptive:
    return WindowAttr::get(ctx, WindowKind::adaptive, policy.window,
                           policy.sinks, policy.threshold);
  }
  llvm_unreachable("unknown policy kind");
}

struct MoeAttentionWindowPass
    : ds::impl::MoeAttentionWindowBase<MoeAttentionWindowPass> {
  using MoeAttentionWindowBase::MoeAttentionWindowBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Policy parsed;
    if (std::optional<std::string> error = parsePolicy(policy, parsed)) {
      fail(module.getLoc()) << *error;
      return;
    }
    if (parsed.kind == Policy::Kind::Config)
      return;
    if (failed(checkPositions(module, parsed)))
      return;
    for (auto func : module.getOps<func::FuncOp>()) {
      int64_t layer = 0;
      func.walk([&](AttentionOp op) {
        if (std::optional<WindowAttr> window =
                windowFor(&getContext(), parsed, layer++))
          op.setWindowAttr(*window);
      });
    }
  }

  /// Starts the located error of a bad `policy` value.
  InFlightDiagnostic fail(Location loc) {
    signalPassFailure();
    return emitError(loc) << "'moe-attention-window' option 'policy' = '"
                          << policy << "': ";
  }

  /// A window or sink count larger than the positions the module admits
  /// (`max_position_embeddings` of its config, else its `moe.max_tokens`,
  /// which bounds the keys of a prefill) is an error.
  LogicalResult checkPositions(ModuleOp module, const Policy &parsed) {
    ds::TokenLimits limits = tokenLimits(module);
    std::optional<int64_t> bound = limits.maxPositions;
    std::string source = "max_position_embeddings of the model";
    if (!bound) {
      bound = limits.maxTokens;
      source = limits.maxTokensSource;
    }
    if (!bound)
      return success();
    auto tooLarge = [&](llvm::StringRef what, int64_t value) {
      fail(module.getLoc())
          << what << " " << value << " is larger than the model's " << *bound
          << " positions (" << source << ")";
      return failure();
    };
    if (parsed.window > *bound)
      return tooLarge("the window", parsed.window);
    if (parsed.threshold > *bound)
      return tooLarge("the threshold", parsed.threshold);
    if (parsed.sinks > *bound)
      return tooLarge("the sink count", parsed.sinks);
    return success();
  }
};

} // namespace
