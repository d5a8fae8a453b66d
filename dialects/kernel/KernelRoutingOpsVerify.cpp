//===- KernelRoutingOpsVerify.cpp - verifiers of the routing launches -----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Verifiers of router, dispatch and combine: the rules of the moe ops they
// come from, over buffers, with the `T·K` rows as a multiple of T.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelVerifyUtils.h"
#include "dialects/moe/MoeAttrConversion.h"

using namespace mlir;
using namespace ds::kernel;
using namespace ds::kernel::detail;
using namespace ds::moe::detail;

//===----------------------------------------------------------------------===//
// RouterOp
//===----------------------------------------------------------------------===//

LogicalResult RouterOp::verify() {
  bool bias = getIns().size() == 3;
  if (failed(verifyOperandCounts(*this, bias ? 3 : 2, 2,
                                 bias ? "x, gate, bias; weights, indices"
                                      : "x, gate; weights, indices")))
    return failure();
  if (failed(verifyActivation(*this, "x", getX().getType(), 2, "[T, H]")) ||
      failed(verifyElement(*this, "x", getX(), ElementKind::Float)) ||
      failed(verifyWeight(*this, "gate", getGate().getType(), 2, "[E, H]")) ||
      failed(verifyElement(*this, "gate", getGate(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "weights", getWeights().getType(), 2,
                              "[T, top_k]")) ||
      failed(
          verifyElement(*this, "weights", getWeights(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "indices", getIndices().getType(), 2,
                              "[T, top_k]")) ||
      failed(verifyElement(*this, "indices", getIndices(), ElementKind::I32)))
    return failure();
  MemRefType gate = memrefType(getGate());
  int64_t experts = gate.getDimSize(0);
  DimGroup t(*this);
  if (failed(verifyDim(*this, "gate dim 1 (x's hidden size)",
                       gate.getDimSize(1), memrefType(getX()).getDimSize(1))) ||
      failed(t.add(getExtent(getX(), 0), "x dim 0 (tokens)")) ||
      failed(t.add(getExtent(getWeights(), 0), "weights dim 0 (tokens)")) ||
      failed(t.add(getExtent(getIndices(), 0), "indices dim 0 (tokens)")) ||
      failed(verifyDim(*this, "indices dim 1 (top_k, the weights')",
                       memrefType(getIndices()).getDimSize(1),
                       memrefType(getWeights()).getDimSize(1))))
    return failure();
  ds::moe::RouterAttr routing = getRouting();
  if (failed(verifyDim(*this, "weights dim 1 (routing top_k)",
                       memrefType(getWeights()).getDimSize(1),
                       routing.getTopK())))
    return failure();
  if (ds::Status s = ds::moe::toRouter(routing).validate(experts); !s.ok())
    return emitOpError(s.message());
  if (routing.getSelection() == ds::moe::Selection::noaux_tc && !bias)
    return emitOpError("noaux_tc selection needs a correction bias in");
  if (Value b = getBias()) {
    if (failed(verifyWeight(*this, "bias", b.getType(), 1, "[E]")) ||
        failed(verifyElement(*this, "bias", b, ElementKind::Float)) ||
        failed(verifyDim(*this, "bias size (experts)",
                         memrefType(b).getDimSize(0), experts)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::verify() {
  if (failed(
          verifyOperandCounts(*this, 2, 3, "x, indices; rows, perm, offsets")))
    return failure();
  if (failed(verifyActivation(*this, "x", getX().getType(), 2, "[T, H]")) ||
      failed(verifyElement(*this, "x", getX(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "indices", getIndices().getType(), 2,
                              "[T, top_k]")) ||
      failed(verifyElement(*this, "indices", getIndices(), ElementKind::I32)) ||
      failed(verifyActivation(*this, "rows", getRows().getType(), 2,
                              "[T*top_k, H]")) ||
      failed(verifyActivation(*this, "perm", getPerm().getType(), 1,
                              "[T*top_k]")) ||
      failed(verifyElement(*this, "perm", getPerm(), ElementKind::I32)) ||
      failed(verifyWeight(*this, "offsets", getOffsets().getType(), 1,
                          "[E + 1]")) ||
      failed(verifyElement(*this, "offsets", getOffsets(), ElementKind::I32)))
    return failure();
  MemRefType x = memrefType(getX()), rowsType = memrefType(getRows());
  DimGroup t(*this), rows(*this);
  if (failed(t.add(getExtent(getX(), 0), "x dim 0 (tokens)")) ||
      failed(t.add(getExtent(getIndices(), 0), "indices dim 0 (tokens)")) ||
      failed(rows.add(
          mulExtent(t.getExtent(), memrefType(getIndices()).getDimSize(1)),
          "tokens x top_k")) ||
      failed(rows.add(getExtent(getRows(), 0), "rows (tokens x top_k)")) ||
      failed(rows.add(getExtent(getPerm(), 0), "perm size (the rows)")) ||
      failed(verifyDim(*this, "rows dim 1 (hidden size)",
                       rowsType.getDimSize(1), x.getDimSize(1))))
    return failure();
  if (rowsType.getElementType() != x.getElementType())
    return emitOpError("rows element type ")
           << rowsType.getElementType() << " must match x's "
           << x.getElementType();
  if (memrefType(getOffsets()).getDimSize(0) < 2)
    return emitOpError("offsets must have E + 1 >= 2 entries, got ")
           << getOffsets().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// CombineOp
//===----------------------------------------------------------------------===//

LogicalResult CombineOp::verify() {
  if (failed(verifyOperandCounts(*this, 3, 1, "rows, perm, weights; y")))
    return failure();
  if (failed(verifyActivation(*this, "rows", getRows().getType(), 2,
                              "[T*top_k, H]")) ||
      failed(verifyElement(*this, "rows", getRows(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "perm", getPerm().getType(), 1,
                              "[T*top_k]")) ||
      failed(verifyElement(*this, "perm", getPerm(), ElementKind::I32)) ||
      failed(verifyActivation(*this, "weights", getWeights().getType(), 2,
                              "[T, top_k]")) ||
      failed(
          verifyElement(*this, "weights", getWeights(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "y", getY().getType(), 2, "[T, H]")))
    return failure();
  MemRefType rowsType = memrefType(getRows()), w = memrefType(getWeights()),
             y = memrefType(getY());
  DimGroup rows(*this);
  if (failed(rows.add(mulExtent(getExtent(getWeights(), 0), w.getDimSize(1)),
                      "tokens x top_k")) ||
      failed(rows.add(getExtent(getRows(), 0), "rows (tokens x top_k)")) ||
      failed(rows.add(getExtent(getPerm(), 0), "perm size (the rows)")) ||
      failed(verifyDim(*this, "y dim 0 (tokens)", getExtent(getY(), 0),
                       getExtent(getWeights(), 0))) ||
      failed(verifyDim(*this, "y dim 1 (hidden size)", y.getDimSize(1),
                       rowsType.getDimSize(1))))
    return failure();
  if (y.getElementType() != rowsType.getElementType())
    return emitOpError("y element type ")
           << y.getElementType() << " must match the rows' "
           << rowsType.getElementType();
  return success();
}
