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

#include "ds/limits.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace ds::moe;

#define GET_OP_CLASSES
#include "dialects/moe/MoeOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Tensor size ceilings
//===----------------------------------------------------------------------===//

LogicalResult
ds::moe::verifyBoundedTensorType(function_ref<InFlightDiagnostic()> emitError,
                                 ShapedType type, const Twine &what) {
  if (type.getRank() > kMaxRank)
    return emitError() << what << " " << type << " has rank " << type.getRank()
                       << ", above ds's ceiling of " << kMaxRank;
  int64_t elements = 1;
  for (auto [i, dim] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(dim))
      continue;
    if (dim > kMaxDimSize)
      return emitError() << what << " " << type << ": dim " << i << " (" << dim
                         << ") is above ds's ceiling of " << kMaxDimSize;
    // Both factors are at most 2^40 and 2^24: no overflow.
    elements *= dim;
    if (elements > kMaxTensorElements)
      return emitError() << what << " " << type
                         << " has more elements than ds's ceiling of "
                         << kMaxTensorElements;
  }
  return success();
}

LogicalResult ds::moe::OpTrait::verifyBoundedTensorTypes(Operation *op) {
  auto check = [&](Type type, const Twine &what) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return !tensor || succeeded(verifyBoundedTensorType(
                          [&] { return op->emitOpError(); }, tensor, what));
  };
  for (auto [i, v] : llvm::enumerate(op->getOperands()))
    if (!check(v.getType(), "operand #" + Twine(i)))
      return failure();
  for (auto [i, v] : llvm::enumerate(op->getResults()))
    if (!check(v.getType(), "result #" + Twine(i)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// ParameterOp
//===----------------------------------------------------------------------===//

/// The concat_keys / concat_rows of `op` describe parts that add up.
static LogicalResult verifyConcat(ParameterOp op) {
  std::optional<ArrayAttr> keys = op.getConcatKeys();
  std::optional<ArrayRef<int64_t>> rows = op.getConcatRows();
  if (!keys && !rows)
    return success();
  if (!keys || !rows)
    return op.emitOpError("'concat_keys' and 'concat_rows' go together");
  if (!op.getKey())
    return op.emitOpError("'concat_keys' needs a checkpoint 'key' (part 0)");
  if (keys->empty())
    return op.emitOpError("'concat_keys' must name at least one more part");
  if (rows->size() != keys->size() + 1)
    return op.emitOpError("'concat_rows' needs one extent per part (")
           << keys->size() + 1 << "), got " << rows->size();
  for (Attribute attr : *keys) {
    StringRef key = cast<StringAttr>(attr).getValue();
    if (key.empty() || key.count('*') != (op.isStacked() ? 1u : 0u))
      return op.emitOpError("concat key \"")
             << key << "\" must be non-empty and "
             << (op.isStacked() ? "stacked (one '*')" : "plain (no '*')")
             << " like 'key'";
  }
  RankedTensorType type = op.getTensorType();
  int64_t dim = op.getConcatDim();
  if (type.getRank() <= dim)
    return op.emitOpError("a concatenated parameter needs a dimension ")
           << dim << " to join, got " << type;
  if (op.getSlices() && !op.isStacked())
    return op.emitOpError(
        "'slices' of a plain key select rows of the joined "
        "dimension; they cannot be combined with 'concat_keys'");
  int64_t sum = 0;
  for (auto [i, r] : llvm::enumerate(*rows)) {
    if (r < 1 || r > ds::kMaxDimSize)
      return op.emitOpError("'concat_rows' must be in [1, ")
             << ds::kMaxDimSize << "], got " << r << " at " << i;
    sum += r;
  }
  if (sum != type.getDimSize(dim))
    return op.emitOpError("'concat_rows' add up to ")
           << sum << ", but dimension " << dim << " of " << type << " is "
           << type.getDimSize(dim);
  return success();
}

LogicalResult ParameterOp::verify() {
  RankedTensorType type = getTensorType();
  if (!type.hasStaticShape())
    return emitOpError("parameter type must have a static shape, got ") << type;
  if (failed(verifyBoundedTensorType([&] { return emitOpError(); }, type,
                                     "parameter type")))
    return failure();
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
  if (std::optional<ArrayRef<int64_t>> slices = getSlices()) {
    if (!getKey())
      return emitOpError("'slices' needs a checkpoint 'key'");
    if (type.getRank() < 1 ||
        static_cast<int64_t>(slices->size()) != type.getDimSize(0))
      return emitOpError("'slices' needs one index per entry of the leading "
                         "dimension, got ")
             << slices->size() << " for " << type;
    for (auto [i, s] : llvm::enumerate(*slices))
      if (s < 0 || s >= ds::kMaxDimSize || (i > 0 && s <= (*slices)[i - 1]))
        return emitOpError("'slices' must be increasing indices in [0, ")
               << ds::kMaxDimSize << "), got " << s << " at " << i;
  }
  return verifyConcat(*this);
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
