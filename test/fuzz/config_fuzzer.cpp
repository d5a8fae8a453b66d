//===- config_fuzzer.cpp - fuzz config.json parsing and IR import ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: a Hugging Face config.json. Parses it with
// ds::frontend::parseModelConfig; a config that parses is imported (the
// first two decoder layers, as `ds-import --num-layers 2`) and the module
// must verify: a parsed config whose IR does not verify is an importer bug
// (ds-import reports it as an internal error). DS_FUZZ_CONFIG_VERIFY=0 turns
// that check off, to look for crashes while such a bug is open.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "frontend/ImportModel.h"
#include "frontend/ModelConfig.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <algorithm>
#include <cstdlib>
#include <string>

using namespace ds::frontend;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef json(reinterpret_cast<const char *>(data), size);
  llvm::Expected<ModelConfig> config = parseModelConfig(json, "config.json");
  if (!config) {
    llvm::consumeError(config.takeError());
    return 0;
  }

  // A fresh context per input, so that types and attributes of earlier
  // inputs do not pile up.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  ImportOptions options;
  options.numLayers = std::min<int64_t>(config->numLayers, 2);
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> imported =
      importModel(context, *config, options);
  if (!imported) {
    llvm::consumeError(imported.takeError());
    return 0;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module = std::move(*imported);
  static const bool mustVerify = [] {
    const char *value = std::getenv("DS_FUZZ_CONFIG_VERIFY");
    return !value || std::string(value) != "0";
  }();
  if (mlir::failed(mlir::verify(*module)) && mustVerify) {
    std::fprintf(stderr, "%s", diagnostics.c_str());
    ds::fuzz::check(false, "the module imported from a valid config verifies");
  }
  return 0;
}
