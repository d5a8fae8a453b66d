//===- MoeOps.cpp - moe op definitions and symbol verification ------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// This file instantiates the ODS-generated op classes and holds the verifiers
// of the parameter ops. Shape verifiers of the model ops live in
// MoeModelOpsVerify.cpp and MoeRoutingOpsVerify.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoeVerifyUtils.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace ds::moe;

#define GET_OP_CLASSES
#include "dialects/moe/MoeOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ParameterOp
//===----------------------------------------------------------------------===//

LogicalResult ParameterOp::verify() {
  RankedTensorType type = getTensorType();
  if (!type.hasStaticShape())
    return emitOpError("parameter type must have a static shape, got ") << type;
  if (std::optional<StringRef> key = getKey()) {
    if (key->empty())
      return emitOpError("'key' must not be empty");
    size_t stars = key->count('*');
    if (stars > 1)
      return emitOpError("'key' may contain at most one '*', got \"")
             << *key << "\"";
    if (stars == 1 && type.getRank() < 1)
      return emitOpError("stacked key \"")
             << *key << "\" needs a tensor of rank >= 1 (its leading "
             << "dimension enumerates the checkpoint tensors)";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// LoadOp
//===----------------------------------------------------------------------===//

LogicalResult LoadOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  Operation *symbol =
      symbolTable.lookupNearestSymbolFrom(*this, getParameterAttr());
  if (!symbol)
    return emitOpError("'")
           << getParameter() << "' does not reference a symbol";
  auto param = dyn_cast<ParameterOp>(symbol);
  if (!param)
    return emitOpError("'") << getParameter() << "' references '"
                            << symbol->getName() << "', not a 'moe.parameter'";
  if (param.getType() != getResult().getType())
    return emitOpError("result type ")
           << getResult().getType() << " does not match the type "
           << param.getType() << " of parameter '" << getParameter() << "'";
  return success();
}
