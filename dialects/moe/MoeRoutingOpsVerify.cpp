//===- MoeRoutingOpsVerify.cpp - verifiers of the MoE routing ops ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Verifiers of router, experts, dispatch, grouped_matmul and combine.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeAttrConversion.h"
#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoeVerifyUtils.h"

#include "ds/limits.h"

using namespace mlir;
using namespace ds::moe;
using namespace ds::moe::detail;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// `a * b`, dynamic when either is. The BoundedTensorTypes trait has checked
/// both dims against ds's ceiling (2^24) before any verifier runs, so the
/// product cannot overflow; it is checked anyway.
static int64_t mulDims(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  return ds::checkedMul(a, b).value_or(ShapedType::kDynamic);
}

/// Checks a per-token routing tensor pair: `weights` and `indices` `[T, K]`.
static LogicalResult verifyRouting(Operation *op, Value weights, Value indices,
                                   int64_t tokens) {
  if (failed(verifyActivation(op, "weights", weights.getType(), 2,
                              "[T, top_k]")) ||
      failed(
          verifyActivation(op, "indices", indices.getType(), 2, "[T, top_k]")))
    return failure();
  RankedTensorType w = tensorType(weights), idx = tensorType(indices);
  DimGroup t(op);
  if (failed(t.add(tokens, "input dim 0 (tokens)")) ||
      failed(t.add(w.getDimSize(0), "weights dim 0 (tokens)")) ||
      failed(t.add(idx.getDimSize(0), "indices dim 0 (tokens)")) ||
      failed(verifyDim(op, "indices dim 1 (top_k, the weights')",
                       idx.getDimSize(1), w.getDimSize(1))))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// RouterOp
//===----------------------------------------------------------------------===//

LogicalResult RouterOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 2,
                              "[T, H]")) ||
      failed(verifyWeight(*this, "gate", getGate().getType(), 2, "[E, H]")))
    return failure();
  RankedTensorType in = tensorType(getInput()), gate = tensorType(getGate());
  int64_t experts = gate.getDimSize(0);
  if (failed(verifyDim(*this, "gate dim 1 (the input's hidden size)",
                       gate.getDimSize(1), in.getDimSize(1))) ||
      failed(
          verifyRouting(*this, getWeights(), getIndices(), in.getDimSize(0))))
    return failure();

  RouterAttr config = getConfig();
  int64_t topK = config.getTopK();
  if (failed(verifyDim(*this, "weights dim 1 (config top_k)",
                       tensorType(getWeights()).getDimSize(1), topK)))
    return failure();
  if (ds::Status s = toRouter(config).validate(experts); !s.ok())
    return emitOpError(s.message());
  if (config.getSelection() == Selection::noaux_tc && !getCorrectionBias())
    return emitOpError("noaux_tc selection needs a correction bias operand");
  if (Value bias = getCorrectionBias()) {
    if (failed(
            verifyWeight(*this, "correction bias", bias.getType(), 1, "[E]")) ||
        failed(verifyDim(*this, "correction bias size (experts)",
                         tensorType(bias).getDimSize(0), experts)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ExpertsOp
//===----------------------------------------------------------------------===//

LogicalResult ExpertsOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 2,
                              "[T, H]")) ||
      failed(
          verifyWeight(*this, "gate", getGate().getType(), 3, "[E, I, H]")) ||
      failed(verifyWeight(*this, "up", getUp().getType(), 3, "[E, I, H]")) ||
      failed(verifyWeight(*this, "down", getDown().getType(), 3, "[E, H, I]")))
    return failure();
  RankedTensorType in = tensorType(getInput());
  if (failed(
          verifyRouting(*this, getWeights(), getIndices(), in.getDimSize(0))))
    return failure();
  RankedTensorType gate = tensorType(getGate()), up = tensorType(getUp()),
                   down = tensorType(getDown());
  int64_t experts = gate.getDimSize(0), inter = gate.getDimSize(1),
          hidden = in.getDimSize(1);
  if (experts < 1)
    return emitOpError("needs at least one expert, got ") << gate;
  // Its decomposition's offsets have E + 1 entries.
  if (experts >= ds::kMaxDimSize)
    return emitOpError("needs fewer than ")
           << ds::kMaxDimSize << " experts (ds's ceiling on one dimension, "
           << "which the E + 1 dispatch offsets must respect), got " << gate;
  if (failed(verifyDim(*this, "gate dim 2 (the input's hidden size)",
                       gate.getDimSize(2), hidden)) ||
      failed(verifyDim(*this, "up shape [E, I, H]: dim 0", up.getDimSize(0),
                       experts)) ||
      failed(verifyDim(*this, "up shape [E, I, H]: dim 1", up.getDimSize(1),
                       inter)) ||
      failed(verifyDim(*this, "up shape [E, I, H]: dim 2", up.getDimSize(2),
                       hidden)) ||
      failed(verifyDim(*this, "down shape [E, H, I]: dim 0", down.getDimSize(0),
                       experts)) ||
      failed(verifyDim(*this, "down shape [E, H, I]: dim 1", down.getDimSize(1),
                       hidden)) ||
      failed(verifyDim(*this, "down shape [E, H, I]: dim 2", down.getDimSize(2),
                       inter)))
    return failure();
  if (up.getElementType() != gate.getElementType() ||
      down.getElementType() != gate.getElementType())
    return emitOpError("gate, up and down must share one element type, got ")
           << gate.getElementType() << ", " << up.getElementType() << ", "
           << down.getElementType();
  if (getResult().getType() != in)
    return emitOpError("result type ")
           << getResult().getType() << " must match the input type " << in;

  ValueRange scales = getScales();
  if (!scales.empty() && scales.size() != 3)
    return emitOpError("takes no scales or 3 (gate, up, down), got ")
           << scales.size();
  auto scaleType = [&](unsigned i) {
    return scales.empty() ? Type() : scales[i].getType();
  };
  if (failed(verifyWeightFormat(*this, "gate", gate, scaleType(0),
                                getQuantAttr())) ||
      failed(
          verifyWeightFormat(*this, "up", up, scaleType(1), getQuantAttr())) ||
      failed(verifyWeightFormat(*this, "down", down, scaleType(2),
                                getQuantAttr())))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 2,
                              "[T, H]")) ||
      failed(verifyActivation(*this, "indices", getIndices().getType(), 2,
                              "[T, top_k]")) ||
      failed(verifyActivation(*this, "permuted", getPermuted().getType(), 2,
                              "[T*top_k, H]")) ||
      failed(verifyActivation(*this, "perm", getPerm().getType(), 1,
                              "[T*top_k]")) ||
      failed(
          verifyWeight(*this, "offsets", getOffsets().getType(), 1, "[E + 1]")))
    return failure();
  RankedTensorType in = tensorType(getInput()), idx = tensorType(getIndices()),
                   permuted = tensorType(getPermuted());
  DimGroup t(*this), rows(*this);
  if (failed(t.add(in.getDimSize(0), "input dim 0 (tokens)")) ||
      failed(t.add(idx.getDimSize(0), "indices dim 0 (tokens)")) ||
      failed(rows.add(mulDims(t.get(), idx.getDimSize(1)), "tokens x top_k")) ||
      failed(
          rows.add(permuted.getDimSize(0), "permuted rows (tokens x top_k)")) ||
      failed(rows.add(tensorType(getPerm()).getDimSize(0),
                      "perm size (the permuted rows)")) ||
      failed(verifyDim(*this, "permuted dim 1 (hidden size)",
                       permuted.getDimSize(1), in.getDimSize(1))))
    return failure();
  if (permuted.getElementType() != in.getElementType())
    return emitOpError("permuted element type ")
           << permuted.getElementType() << " must match the input's "
           << in.getElementType();
  if (tensorType(getOffsets()).getDimSize(0) < 2)
    return emitOpError("offsets must have E + 1 >= 2 entries, got ")
           << getOffsets().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// GroupedMatmulOp
//===----------------------------------------------------------------------===//

LogicalResult GroupedMatmulOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 2,
                              "[R, K]")) ||
      failed(verifyWeight(*this, "weight", getWeight().getType(), 3,
                          "[E, N, K]")) ||
      failed(verifyWeight(*this, "offsets", getOffsets().getType(), 1,
                          "[E + 1]")) ||
      failed(verifyActivation(*this, "result", getResult().getType(), 2,
                              "[R, N]")))
    return failure();
  RankedTensorType in = tensorType(getInput()),
                   weight = tensorType(getWeight()),
                   result = tensorType(getResult());
  if (weight.getDimSize(0) < 1)
    return emitOpError("needs at least one expert, got weight ") << weight;
  // weight dim 0 is at most 2^24 (BoundedTensorTypes): E + 1 cannot overflow.
  if (failed(verifyDim(*this, "weight dim 2 (the input's K)",
                       weight.getDimSize(2), in.getDimSize(1))) ||
      failed(verifyDim(*this, "offsets size (weight experts + 1)",
                       tensorType(getOffsets()).getDimSize(0),
                       weight.getDimSize(0) + 1)) ||
      failed(verifyDim(*this, "result rows (the input's)", result.getDimSize(0),
                       in.getDimSize(0))))
    return failure();
  int64_t n = weight.getDimSize(1);
  if (getSwiglu()) {
    if (failed(verifySwiGLUWeight(*this, "weight dim 1", n, getQuantAttr())) ||
        failed(verifyDim(*this, "result dim 1 (half of weight dim 1, I)",
                         result.getDimSize(1), n / 2)))
      return failure();
  } else if (failed(verifyDim(*this, "result dim 1 (weight dim 1, N)",
                              result.getDimSize(1), n))) {
    return failure();
  }
  if (result.getElementType() != in.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " must match the input's "
           << in.getElementType();
  Value scales = getScales();
  return verifyWeightFormat(*this, "weight", weight,
                            scales ? scales.getType() : Type(), getQuantAttr());
}

//===----------------------------------------------------------------------===//
// CombineOp
//===----------------------------------------------------------------------===//

LogicalResult CombineOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 2,
                              "[T*top_k, H]")) ||
      failed(verifyActivation(*this, "perm", getPerm().getType(), 1,
                              "[T*top_k]")) ||
      failed(verifyActivation(*this, "weights", getWeights().getType(), 2,
                              "[T, top_k]")) ||
      failed(verifyActivation(*this, "result", getResult().getType(), 2,
                              "[T, H]")))
    return failure();
  RankedTensorType in = tensorType(getInput()), w = tensorType(getWeights()),
                   result = tensorType(getResult());
  DimGroup rows(*this);
  if (failed(rows.add(mulDims(w.getDimSize(0), w.getDimSize(1)),
                      "tokens x top_k")) ||
      failed(rows.add(in.getDimSize(0), "input rows (tokens x top_k)")) ||
      failed(rows.add(tensorType(getPerm()).getDimSize(0),
                      "perm size (the input rows)")) ||
      failed(verifyDim(*this, "result dim 0 (tokens)", result.getDimSize(0),
                       w.getDimSize(0))) ||
      failed(verifyDim(*this, "result dim 1 (hidden size)",
                       result.getDimSize(1), in.getDimSize(1))))
    return failure();
  if (result.getElementType() != in.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " must match the input's "
           << in.getElementType();
  return success();
}
