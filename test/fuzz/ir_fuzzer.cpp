//===- ir_fuzzer.cpp - fuzz moe IR through the ds-opt pipeline ------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: MLIR text. Parsed with the dialects ds-opt registers (moe, kernel,
// func, arith, tensor, math), verified, then run through canonicalize and the
// moe passes with the verifier after each: a pass may fail on its input, but
// must neither crash nor produce IR that does not verify. (moe-summary only
// prints and is left out.) Then what `ds-opt -o x.dsb` does: the ds-compile
// pipeline (which may fail with a diagnostic), the module writer, and the
// runtime's loader on the bytes written: a module ds-opt writes always loads.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"
#include "tools/common/DsDialects.h"

#include "codegen/ModuleWriter.h"
#include "dialects/moe/MoeDialect.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace {

const mlir::DialectRegistry &registry() {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    ds::registerDsDialects(*r);
    mlir::registerTransformsPasses();
    ds::registerDSPasses();
    ds::registerDSPipelines();
    return r;
  }();
  return *registry;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context(registry(), mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler silence(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });

  // The MLIR lexer reads up to a NUL terminator (ds-opt's file buffers have
  // one; libFuzzer's data does not), so parse a NUL-terminated copy.
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(llvm::StringRef(text), &context);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;

  // One pass at a time, so that a pass that succeeds but leaves invalid IR
  // is told apart from one that fails on its input (allowed).
  for (const char *pass :
       {"canonicalize", "moe-dispatch-experts", "canonicalize", "moe-decompose",
        "canonicalize", "cse"}) {
    mlir::PassManager pm(&context);
    pm.enableVerifier(false);
    if (mlir::failed(mlir::parsePassPipeline(
            std::string("builtin.module(") + pass + ")", pm)))
      ds::fuzz::check(false, "the pass pipeline parses");
    if (mlir::failed(pm.run(*module)))
      return 0;
    if (mlir::failed(mlir::verify(*module))) {
      std::fprintf(stderr, "ds fuzz: after %s:\n", pass);
      ds::fuzz::check(false, "a pass that succeeds leaves valid IR");
    }
  }

  // The compile path, as ds-opt -o x.dsb runs it.
  mlir::PassManager pm(&context);
  pm.enableVerifier(false);
  ds::buildCompilePipeline(pm, ds::CompilePipelineOptions());
  if (mlir::failed(pm.run(*module)))
    return 0;
  if (mlir::failed(mlir::verify(*module)))
    ds::fuzz::check(false, "ds-compile leaves valid IR when it succeeds");
  mlir::FailureOr<ds::Module> built = ds::codegen::buildModule(*module);
  if (mlir::failed(built))
    return 0;
  ds::Expected<std::vector<uint8_t>> bytes = ds::serializeModule(*built);
  if (!bytes) {
    std::fprintf(stderr, "ds fuzz: %s\n", bytes.message().c_str());
    ds::fuzz::check(false, "a module the writer builds serializes");
  }
  ds::Expected<ds::Module> loaded =
      ds::parseModule(bytes->data(), bytes->size());
  if (!loaded) {
    std::fprintf(stderr, "ds fuzz: %s\n", loaded.message().c_str());
    ds::fuzz::check(false, "a module ds-opt writes loads");
  }
  return 0;
}
