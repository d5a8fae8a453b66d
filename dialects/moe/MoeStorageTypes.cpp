//===- MoeStorageTypes.cpp - MLIR element types <-> checkpoint dtypes -----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeStorageTypes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

using namespace mlir;
using namespace ds;

std::optional<DType> ds::moe::dtypeOf(Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isBF16())
    return DType::BF16;
  if (type.isF16())
    return DType::F16;
  if (type.isF64())
    return DType::F64;
  if (isa<Float8E4M3FNType>(type))
    return DType::F8E4M3;
  if (isa<Float8E5M2Type>(type))
    return DType::F8E5M2;
  if (type.isSignlessInteger(4))
    return DType::I4;
  if (type.isSignlessInteger(8))
    return DType::I8;
  if (type.isSignlessInteger(16))
    return DType::I16;
  if (type.isSignlessInteger(32))
    return DType::I32;
  if (type.isSignlessInteger(64))
    return DType::I64;
  return std::nullopt;
}

Type ds::moe::elementTypeOf(MLIRContext *ctx, DType dtype) {
  switch (dtype) {
  case DType::F32:
    return Float32Type::get(ctx);
  case DType::BF16:
    return BFloat16Type::get(ctx);
  case DType::F16:
    return Float16Type::get(ctx);
  case DType::F64:
    return Float64Type::get(ctx);
  case DType::F8E4M3:
    return Float8E4M3FNType::get(ctx);
  case DType::F8E5M2:
    return Float8E5M2Type::get(ctx);
  case DType::I4:
    return IntegerType::get(ctx, 4);
  case DType::I8:
    return IntegerType::get(ctx, 8);
  case DType::I16:
    return IntegerType::get(ctx, 16);
  case DType::I32:
    return IntegerType::get(ctx, 32);
  case DType::I64:
    return IntegerType::get(ctx, 64);
  default:
    return {};
  }
}
