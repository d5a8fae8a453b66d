//===- DsDialects.h - The dialects every ds tool registers ------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One dialect registration shared by ds-opt, ds-import and ds-interp, so
// that the tools accept the same IR.
//
//===----------------------------------------------------------------------===//

#ifndef DS_TOOLS_COMMON_DSDIALECTS_H
#define DS_TOOLS_COMMON_DSDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace ds {

/// Registers the `moe` and `kernel` dialects and the upstream dialects ds IR
/// uses (arith, func, math, tensor) with their interface extensions (func
/// inlining).
void registerDsDialects(mlir::DialectRegistry &registry);

} // namespace ds

#endif // DS_TOOLS_COMMON_DSDIALECTS_H
