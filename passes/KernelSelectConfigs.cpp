//===- KernelSelectConfigs.cpp - tile configs per shape bucket ------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/TuningTable.h"

#include "dialects/kernel/KernelDialect.h"
#include "dialects/kernel/KernelOps.h"
#include "dialects/kernel/KernelUtils.h"
#include "dialects/moe/MoeAttrConversion.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <set>

namespace ds {
#define GEN_PASS_DEF_KERNELSELECTCONFIGS
#include "passes/Passes.h.inc"
} // namespace ds

using namespace mlir;
using namespace ds::kernel;
using ds::tuning::Config;
using ds::tuning::Problem;

/// "bf16", "f32", "f8e4m3", "i8", "i4", ...: the element type as the tuning
/// table names it.
static std::string typeName(Value v) {
  Type type = cast<MemRefType>(v.getType()).getElementType();
  if (type.isBF16())
    return "bf16";
  if (type.isF16())
    return "f16";
  if (type.isF32())
    return "f32";
  if (isa<Float8E4M3FNType>(type))
    return "f8e4m3";
  if (isa<Float8E5M2Type>(type))
    return "f8e5m2";
  if (auto i = dyn_cast<IntegerType>(type))
    return "i" + std::to_string(i.getWidth());
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

static std::string quantName(std::optional<ds::moe::QuantAttr> quant) {
  if (!quant || !*quant)
    return "none";
  return ds::moe::stringifyQuantScheme(quant->getScheme()).str();
}

static int64_t dimOf(Value v, unsigned d) {
  return cast<MemRefType>(v.getType()).getDimSize(d);
}

/// The product of the static dims of `v` after the leading one (the row
/// size of a row-wise op).
static int64_t rowSize(Value v) {
  auto type = cast<MemRefType>(v.getType());
  int64_t n = 1;
  for (int64_t d = 1; d < type.getRank(); ++d)
    n *= type.getDimSize(d);
  return type.getRank() == 0 ? 1 : n;
}

/// What `op` computes, as the tuning table keys it.
static Problem problemOf(LaunchOpInterface launch) {
  Operation *op = launch;
  Problem p;
  p.op = op->getName().stripDialect().str();
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](GemmOp g) {
        // The activations pick the kernel family; the weights' format is
        // `quant`.
        p.dtype = typeName(g.getA());
        p.quant = quantName(g.getQuantAttr());
        p.dims = {{"n", dimOf(g.getW(), 0)}, {"k", dimOf(g.getW(), 1)}};
        p.rowsPerToken = getTokenScale(g.getA()).value_or(1);
      })
      .Case([&](GroupedGemmOp g) {
        p.dtype = typeName(g.getRows());
        p.quant = quantName(g.getQuantAttr());
        p.dims = {{"experts", dimOf(g.getW(), 0)},
                  {"n", dimOf(g.getW(), 1)},
                  {"k", dimOf(g.getW(), 2)}};
        p.rowsPerToken = getTokenScale(g.getRows()).value_or(1);
      })
      .Case([&](AttentionOp a) {
        p.dtype = typeName(a.getQ());
        p.dims = {{"heads", dimOf(a.getQ(), 1)},
                  {"kv_heads", dimOf(a.getK(), 1)},
                  {"head_dim", dimOf(a.getQ(), 2)},
                  {"v_head_dim", dimOf(a.getV(), 2)}};
      })
      .Case([&](RouterOp r) {
        p.dtype = typeName(r.getX());
        p.dims = {{"experts", dimOf(r.getGate(), 0)},
                  {"hidden", dimOf(r.getGate(), 1)}};
      })
      .Case([&](DispatchOp d) {
        p.dtype = typeName(d.getX());
        p.dims = {{"experts", d.getNumExperts()},
                  {"hidden", rowSize(d.getX())}};
      })
      .Default([&](Operation *) {
        Value main = launch.getOuts()[0];
        p.dtype = typeName(main);
        p.dims = {{"hidden", rowSize(main)}};
      });
  // A GEMM over K·T rows (a routed or reshaped input) is another problem
  // than one over T rows in the same bucket.
  if (p.rowsPerToken != 1)
    p.dims["rows_per_token"] = p.rowsPerToken;
  return p;
}

/// The buckets of an adaptive attention window split at its threshold: the
/// window is global while the keys (m·T) are at most L and slides above, so
/// the bucket holding T = floor(L / m) and T + 1 becomes two, and every
/// config names the regime its bucket runs (Window::resolve) after a ':'
/// ("mma_sync_fa:global"). The launch program's variant selection by T then
/// picks the regime at run time. Other windows keep their configs.
static std::vector<Config> splitAtThreshold(AttentionOp op,
                                            std::vector<Config> configs) {
  ds::Window window = ds::moe::toWindow(op.getWindow());
  if (window.kind != ds::WindowKind::Adaptive)
    return configs;
  // An unknown token scale is the writer's error (no module without one):
  // nothing to split by.
  std::optional<int64_t> scale = getTokenScale(op.getK());
  if (!scale)
    return configs;
  int64_t fixedKeys = dimOf(op.getK(), 0);
  auto keysAt = [&](int64_t tokens) {
    return *scale ? *scale * tokens : fixedKeys;
  };
  auto named = [&](Config c, int64_t tokens) {
    c.variant += ":";
    c.variant += ds::windowKindName(window.resolve(keysAt(tokens)).kind);
    return c;
  };
  // The last T of the global regime (none when the keys do not grow).
  std::optional<int64_t> split;
  if (*scale > 0)
    split = window.threshold / *scale;
  std::vector<Config> out;
  int64_t first = 1;
  for (const Config &c : configs) {
    bool holds =
        split && *split >= first && (c.maxTokens == 0 || *split < c.maxTokens);
    if (holds) {
      Config low = c;
      low.maxTokens = *split;
      out.push_back(named(low, first));
      out.push_back(named(c, *split + 1));
    } else {
      out.push_back(named(c, first));
    }
    first = c.maxTokens + 1;
  }
  return out;
}

namespace {
struct KernelSelectConfigsPass
    : ds::impl::KernelSelectConfigsBase<KernelSelectConfigsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<ds::tuning::TuningTable> table;
    if (!tuningTable.empty()) {
      std::string message;
      std::unique_ptr<llvm::MemoryBuffer> file =
          openInputFile(tuningTable, &message);
      if (!file) {
        module.emitError() << "kernel-select-configs: " << message;
        return signalPassFailure();
      }
      llvm::Expected<ds::tuning::TuningTable> parsed =
          ds::tuning::TuningTable::parse(file->getBuffer(), tuningTable);
      if (!parsed) {
        module.emitError() << "kernel-select-configs: "
                           << llvm::toString(parsed.takeError());
        return signalPassFailure();
      }
      table = std::move(*parsed);
    }
    std::string target = "sm_90a";
    if (auto attr = module->getAttrOfType<StringAttr>(
            KernelDialect::getTargetAttrName()))
      target = attr.str();
    if (table && table->target() != target) {
      module.emitError() << "kernel-select-configs: the tuning table "
                         << tuningTable << " is for " << table->target()
                         << ", the module for " << target;
      return signalPassFailure();
    }

    MLIRContext *ctx = &getContext();
    std::vector<std::pair<Problem, std::vector<Config>>> chosen;
    std::set<std::string> seen;
    module.walk([&](LaunchOpInterface launch) {
      if (launch.getConfigAttr())
        return;
      Problem problem = problemOf(launch);
      const std::vector<Config> *tuned =
          table ? table->lookup(problem) : nullptr;
      std::vector<Config> configs =
          tuned ? *tuned : ds::tuning::heuristicConfigs(problem, target);
      if (!emitTable.empty()) {
        std::string key =
            problem.op + "/" + problem.dtype + "/" + problem.quant;
        for (const auto &[name, value] : problem.dims)
          key += "/" + name + "=" + std::to_string(value);
        if (seen.insert(key).second)
          chosen.emplace_back(problem, configs);
      }
      if (auto attention = dyn_cast<AttentionOp>(launch.getOperation()))
        configs = splitAtThreshold(attention, std::move(configs));
      SmallVector<Attribute> attrs;
      for (const Config &c : configs)
        attrs.push_back(ConfigAttr::get(ctx, c.maxTokens, c.variant, c.tile,
                                        c.stages, c.warps, c.cluster));
      launch->setAttr("config", ArrayAttr::get(ctx, attrs));
    });
    if (emitTable.empty())
      return;
    std::string message;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(emitTable, &message);
    if (!file) {
      module.emitError() << "kernel-select-configs: " << message;
      return signalPassFailure();
    }
    file->os() << ds::tuning::TuningTable::write(target, chosen);
    file->keep();
  }
};
} // namespace
