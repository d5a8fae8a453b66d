//===- KernelModelOpsVerify.cpp - verifiers of the dense model launches ---===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Verifiers of attention, norm, rope and embedding: the rules of the moe ops
// they come from, over buffers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelVerifyUtils.h"

#include "ds/op_attrs.h"

#include <cmath>

using namespace mlir;
using namespace ds::kernel;
using namespace ds::kernel::detail;
using namespace ds::moe::detail;

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  unsigned ins = getIns().size();
  if (failed(verifyOperandCounts(*this, ins == 4 ? 4 : 3, 1,
                                 "q, k, v and optionally shared_key; o")))
    return failure();
  if (failed(verifyActivation(*this, "q", getQ().getType(), 3,
                              "[T, heads, qk_head_dim]")) ||
      failed(verifyActivation(*this, "k", getK().getType(), 3,
                              "[S, kv_heads, k_head_dim]")) ||
      failed(verifyActivation(*this, "v", getV().getType(), 3,
                              "[S, kv_heads, v_head_dim]")) ||
      failed(verifyActivation(*this, "o", getO().getType(), 3,
                              "[T, heads, v_head_dim]")))
    return failure();
  for (auto [name, v] : {std::pair<StringRef, Value>{"q", getQ()},
                         {"k", getK()},
                         {"v", getV()},
                         {"o", getO()}})
    if (failed(verifyElement(*this, name, v, ElementKind::Float)))
      return failure();
  MemRefType q = memrefType(getQ()), k = memrefType(getK()),
             v = memrefType(getV()), o = memrefType(getO());
  int64_t heads = q.getDimSize(1), kvHeads = k.getDimSize(1);
  DimGroup keys(*this);
  if (failed(verifyDim(*this, "v kv_heads (k's)", v.getDimSize(1), kvHeads)) ||
      failed(keys.add(getExtent(getK(), 0), "k length S")) ||
      failed(keys.add(getExtent(getV(), 0), "v length S (k's)")))
    return failure();
  if (kvHeads < 1 || heads % kvHeads != 0)
    return emitOpError("q heads (")
           << heads << ") must be a multiple of kv heads (" << kvHeads << ")";
  int64_t keyDim = k.getDimSize(2);
  if (Value shared = getSharedKey()) {
    if (failed(verifyActivation(*this, "shared_key", shared.getType(), 2,
                                "[S, shared_dim]")) ||
        failed(
            verifyElement(*this, "shared_key", shared, ElementKind::Float)) ||
        failed(keys.add(getExtent(shared, 0), "shared_key length S (k's)")))
      return failure();
    keyDim += memrefType(shared).getDimSize(1);
  }
  if (q.getDimSize(2) != keyDim)
    return emitOpError("q head dim ")
           << q.getDimSize(2) << " must equal the key head dim " << keyDim
           << (getSharedKey() ? " (k + shared_key)" : "");
  if (failed(verifyDim(*this, "o dim 0 (tokens)", getExtent(getO(), 0),
                       getExtent(getQ(), 0))) ||
      failed(verifyDim(*this, "o heads", o.getDimSize(1), heads)) ||
      failed(verifyDim(*this, "o head dim (v's)", o.getDimSize(2),
                       v.getDimSize(2))))
    return failure();
  Extent s = keys.getExtent(), t = getExtent(getQ(), 0);
  bool moreQueries =
      s.isKnown() && t.isKnown() &&
      (s.isDynamic() == t.isDynamic()
           ? (s.isDynamic() ? t.tokenScale > s.tokenScale : t.size > s.size)
           : t.isDynamic());
  if (moreQueries)
    return emitOpError("has more queries (")
           << formatExtent(t) << ") than keys (" << formatExtent(s)
           << "): causal queries are aligned to the end of the keys";
  if (o.getElementType() != q.getElementType())
    return emitOpError("o element type ")
           << o.getElementType() << " must match q's " << q.getElementType();
  double scale = getScale().convertToDouble();
  if (!std::isfinite(scale) || !(scale > 0))
    return emitOpError("'scale' must be > 0, got ") << scale;
  return success();
}

//===----------------------------------------------------------------------===//
// NormOp
//===----------------------------------------------------------------------===//

LogicalResult NormOp::verify() {
  bool residual = getIns().size() == 3;
  if (failed(verifyOperandCounts(*this, residual ? 3 : 2, residual ? 2 : 1,
                                 residual ? "x, residual, weight; y, sum"
                                          : "x, weight; y")))
    return failure();
  if (failed(verifyActivationMinRank(*this, "x", getX().getType(), 1)) ||
      failed(verifyElement(*this, "x", getX(), ElementKind::Float)) ||
      failed(verifyWeight(*this, "weight", getWeight().getType(), 1, "[D]")) ||
      failed(verifyElement(*this, "weight", getWeight(), ElementKind::Float)))
    return failure();
  MemRefType x = memrefType(getX());
  if (failed(verifyDim(*this, "weight size (x's last dimension)",
                       memrefType(getWeight()).getDimSize(0),
                       x.getDimSize(x.getRank() - 1))) ||
      failed(verifySameBuffer(*this, "y", getY(), "x", getX())))
    return failure();
  if (residual &&
      (failed(
           verifySameBuffer(*this, "residual", getResidual(), "x", getX())) ||
       failed(verifySameBuffer(*this, "sum", getSum(), "x", getX()))))
    return failure();
  double eps = getEps().convertToDouble();
  if (!std::isfinite(eps) || !(eps > 0))
    return emitOpError("'eps' must be > 0, got ") << eps;
  return success();
}

//===----------------------------------------------------------------------===//
// RopeOp
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::verify() {
  if (failed(verifyOperandCounts(*this, 2, 1, "x, positions; y")))
    return failure();
  if (failed(verifyActivation(*this, "x", getX().getType(), 3,
                              "[T, heads, head_dim]")) ||
      failed(verifyElement(*this, "x", getX(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "positions", getPositions().getType(), 1,
                              "[T]")) ||
      failed(verifyElement(*this, "positions", getPositions(),
                           ElementKind::Position)))
    return failure();
  MemRefType x = memrefType(getX());
  if (x.getDimSize(2) % 2 != 0)
    return emitOpError("rotary dimension must be even, got ")
           << x.getDimSize(2);
  if (failed(verifyDim(*this, "positions size (tokens)",
                       getExtent(getPositions(), 0), getExtent(getX(), 0))) ||
      failed(verifySameBuffer(*this, "y", getY(), "x", getX())))
    return failure();
  if (ds::Status st = ds::validateRopeTheta(getTheta().convertToDouble());
      !st.ok())
    return emitOpError(st.message());
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  if (failed(verifyOperandCounts(*this, 2, 1, "table, ids; y")))
    return failure();
  if (failed(verifyWeight(*this, "table", getTable().getType(), 2, "[V, H]")) ||
      failed(verifyElement(*this, "table", getTable(), ElementKind::Float)) ||
      failed(verifyActivation(*this, "ids", getIds().getType(), 1, "[T]")) ||
      failed(verifyElement(*this, "ids", getIds(), ElementKind::Position)) ||
      failed(verifyActivation(*this, "y", getY().getType(), 2, "[T, H]")) ||
      failed(verifyElement(*this, "y", getY(), ElementKind::Float)))
    return failure();
  if (failed(verifyDim(*this, "y dim 0 (tokens)", getExtent(getY(), 0),
                       getExtent(getIds(), 0))) ||
      failed(verifyDim(*this, "y dim 1 (hidden size of the table)",
                       memrefType(getY()).getDimSize(1),
                       memrefType(getTable()).getDimSize(1))))
    return failure();
  return success();
}
