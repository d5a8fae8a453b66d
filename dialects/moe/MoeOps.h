//===- MoeOps.h - moe dialect operations ------------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEOPS_H
#define DS_DIALECTS_MOE_MOEOPS_H

#include "dialects/moe/MoeAttrs.h"
#include "dialects/moe/MoeDialect.h"
#include "dialects/moe/MoeInterfaces.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace ds::moe {

/// Fails with a diagnostic from `emitError` unless every dimension of `type`
/// is at most kMaxDimSize and its static dims hold at most kMaxTensorElements
/// elements (dynamic dims count as 1). `what` names the value.
mlir::LogicalResult verifyBoundedTensorType(
    llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
    mlir::ShapedType type, const llvm::Twine &what);

namespace OpTrait {
/// Checks verifyBoundedTensorType on every ranked tensor operand and result.
template <typename ConcreteType>
class BoundedTensorTypes
    : public mlir::OpTrait::TraitBase<ConcreteType, BoundedTensorTypes> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op);
};

mlir::LogicalResult verifyBoundedTensorTypes(mlir::Operation *op);

template <typename ConcreteType>
mlir::LogicalResult
BoundedTensorTypes<ConcreteType>::verifyTrait(mlir::Operation *op) {
  return verifyBoundedTensorTypes(op);
}
} // namespace OpTrait

} // namespace ds::moe

#define GET_OP_CLASSES
#include "dialects/moe/MoeOps.h.inc"

#endif // DS_DIALECTS_MOE_MOEOPS_H
