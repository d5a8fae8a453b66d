//===- MoeStorageTypes.h - element types <-> checkpoint dtypes --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The one mapping between the element types of `moe` tensors and the
// checkpoint dtypes (ds/dtype.h) that store them, shared by the dialect
// (quantized weight formats), the importer's weight check and the
// interpreter.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOESTORAGETYPES_H
#define DS_DIALECTS_MOE_MOESTORAGETYPES_H

#include "ds/dtype.h"

#include "mlir/IR/Types.h"

#include <optional>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace ds::moe {

/// The checkpoint dtype that stores elements of `type` (bf16 -> BF16,
/// f8E4M3FN -> F8_E4M3, i4 -> I4, ...), if any.
std::optional<DType> dtypeOf(mlir::Type type);

/// The element type whose elements `dtype` stores: the inverse of dtypeOf();
/// null for dtypes no `moe` tensor holds (BOOL, unsigned, F8_E8M0).
mlir::Type elementTypeOf(mlir::MLIRContext *ctx, DType dtype);

} // namespace ds::moe

#endif // DS_DIALECTS_MOE_MOESTORAGETYPES_H
