//===- LoadedParameter.h - the parameter a value loads ----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The fusion passes that join weights at load time (moe-fuse-gate-up,
// moe-fuse-qkv) start from the moe.parameter a weight is a moe.load of.
//
//===----------------------------------------------------------------------===//

#ifndef DS_PASSES_LOADEDPARAMETER_H
#define DS_PASSES_LOADEDPARAMETER_H

#include "dialects/moe/MoeOps.h"

#include "mlir/IR/SymbolTable.h"

namespace ds {

/// The keyed parameter that `v` is a moe.load of and that is not joined yet
/// (no `concat_keys`), or null.
inline moe::ParameterOp loadedKeyedParameter(mlir::Value v,
                                             mlir::SymbolTable &symbols) {
  auto load = v ? v.getDefiningOp<moe::LoadOp>() : moe::LoadOp();
  if (!load)
    return nullptr;
  auto param = symbols.lookup<moe::ParameterOp>(load.getParameter());
  if (!param || !param.getKey() || param.getConcatKeys())
    return nullptr;
  return param;
}

} // namespace ds

#endif // DS_PASSES_LOADEDPARAMETER_H
