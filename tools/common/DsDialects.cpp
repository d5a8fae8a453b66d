//===- DsDialects.cpp - The dialects every ds tool registers --------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "tools/common/DsDialects.h"

#include "dialects/kernel/KernelDialect.h"
#include "dialects/moe/MoeDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

void ds::registerDsDialects(mlir::DialectRegistry &registry) {
  registry.insert<ds::moe::MoeDialect, ds::kernel::KernelDialect,
                  mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect>();
  mlir::func::registerInlinerExtension(registry);
}
