//===- StorageTypes.h - element types <-> checkpoint dtypes -----*- C++ -*-===//
//-*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The one mapping between the element types of `moe` tensors and the
// safetensors dtypes that store them, shared by the importer's weight check
// and the interpreter.
//
//===----------------------------------------------------------------------===//

#ifndef DS_FRONTEND_STORAGETYPES_H
#define DS_FRONTEND_STORAGETYPES_H

#include "ds/dtype.h"

#include "mlir/IR/Types.h"

#include <optional>

namespace ds::frontend {

/// The checkpoint dtype that stores elements of `type` (bf16 -> BF16,
/// f8E4M3FN -> F8_E4M3, i4 -> I4, ...), if any.
std::optional<DType> dtypeOf(mlir::Type type);

} // namespace ds::frontend

#endif // DS_FRONTEND_STORAGETYPES_H
