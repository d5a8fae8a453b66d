//===- ds-opt.cpp - the ds optimizer driver -------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// `ds-opt` parses, verifies, transforms and prints `moe` IR: the upstream
// `mlir-opt` driver with the ds dialects and the upstream passes users expect
// (canonicalize, cse, inline, symbol-dce, the IR printing options).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "tools/common/DsDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  ds::registerDsDialects(registry);

  // Upstream transformations (canonicalize, cse, inline, symbol-dce,
  // print-op-stats, ...).
  mlir::registerTransformsPasses();
  // ds passes (passes/Passes.td).
  ds::registerDSPasses();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ds optimizer driver\n", registry));
}
