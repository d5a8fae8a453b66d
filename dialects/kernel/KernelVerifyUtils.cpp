//===- KernelVerifyUtils.cpp - shared checks of kernel verifiers ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelVerifyUtils.h"

using namespace mlir;

namespace ds::kernel::detail {

LogicalResult verifyElement(Operation *op, StringRef name, Value v,
                            ElementKind kind) {
  Type elem = memrefType(v).getElementType();
  switch (kind) {
  case ElementKind::Float:
    if (isa<FloatType>(elem))
      return success();
    return op->emitOpError()
           << name << " must have a float element type, got " << v.getType();
  case ElementKind::I32:
    if (elem.isSignlessInteger(32))
      return success();
    return op->emitOpError()
           << name << " must have element type i32, got " << v.getType();
  case ElementKind::Position:
    if (elem.isSignlessInteger(32) || elem.isSignlessInteger(64))
      return success();
    return op->emitOpError() << name << " must have element type i32 or i64, "
                             << "got " << v.getType();
  }
  return failure();
}

LogicalResult verifySameBuffer(Operation *op, StringRef name, Value actual,
                               StringRef expectedName, Value expected) {
  if (actual.getType() != expected.getType())
    return op->emitOpError()
           << name << " must have " << expectedName << "'s type "
           << expected.getType() << ", got " << actual.getType();
  auto type = memrefType(actual);
  if (type.hasStaticShape())
    return success();
  return ds::moe::detail::verifyDim(op, name + " dim 0 (tokens)",
                                    getExtent(actual, 0),
                                    getExtent(expected, 0));
}

} // namespace ds::kernel::detail
