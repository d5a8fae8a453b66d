//===- MoeModelOpsVerify.cpp - verifiers of the dense model ops -----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Verifiers of embedding, normalization, linear, rope and attention.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeOps.h"
#include "dialects/moe/MoeVerifyUtils.h"

#include "ds/op_attrs.h"

#include <cmath>

using namespace mlir;
using namespace ds::moe;
using namespace ds::moe::detail;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  if (failed(verifyWeight(*this, "table", getTable().getType(), 2, "[V, H]")) ||
      failed(verifyActivation(*this, "ids", getIds().getType(), 1, "[T]")) ||
      failed(verifyActivation(*this, "result", getResult().getType(), 2,
                              "[T, H]")))
    return failure();
  RankedTensorType table = tensorType(getTable());
  RankedTensorType result = tensorType(getResult());
  if (failed(verifyDim(*this, "result dim 0 (tokens)", result.getDimSize(0),
                       tensorType(getIds()).getDimSize(0))) ||
      failed(verifyDim(*this, "result dim 1 (hidden size of the table)",
                       result.getDimSize(1), table.getDimSize(1))))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// RMSNormOp / AddRMSNormOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyNorm(Operation *op, Value input, Value weight,
                                double eps) {
  if (failed(verifyActivationMinRank(op, "input", input.getType(), 1)) ||
      failed(verifyWeight(op, "weight", weight.getType(), 1, "[D]")))
    return failure();
  RankedTensorType in = tensorType(input);
  int64_t d = in.getDimSize(in.getRank() - 1);
  if (failed(verifyDim(op, "weight size (the input's last dimension)",
                       tensorType(weight).getDimSize(0), d)))
    return failure();
  if (!std::isfinite(eps) || !(eps > 0))
    return op->emitOpError() << "'eps' must be > 0, got " << eps;
  return success();
}

LogicalResult RMSNormOp::verify() {
  return verifyNorm(*this, getInput(), getWeight(), getEps().convertToDouble());
}

LogicalResult AddRMSNormOp::verify() {
  return verifyNorm(*this, getInput(), getWeight(), getEps().convertToDouble());
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t> LinearOp::getSegmentRows() {
  if (std::optional<ArrayRef<int64_t>> split = getSplit())
    return SmallVector<int64_t>(*split);
  int64_t n = tensorType(getWeight()).getDimSize(0);
  return {getSwiglu() ? n / 2 : n};
}

/// The `split` of a linear with weight rows `n`: two or more positive
/// segments summing to `n`, one per result, each but the last a multiple
/// of the quant block's rows; no swiglu.
static LogicalResult verifySplit(LinearOp op, ArrayRef<int64_t> split,
                                 int64_t n) {
  if (op.getSwiglu())
    return op.emitOpError("'split' and 'swiglu' do not combine");
  if (split.size() < 2)
    return op.emitOpError("'split' needs at least two segments, got ")
           << split.size();
  if (op->getNumResults() != split.size())
    return op.emitOpError("'split' has ")
           << split.size() << " segments but the op has " << op->getNumResults()
           << " results";
  int64_t sum = 0;
  QuantAttr quant = op.getQuantAttr();
  for (auto [i, rows] : llvm::enumerate(split)) {
    if (rows < 1)
      return op.emitOpError("'split' segment ")
             << i << " must have at least one row, got " << rows;
    if (quant && i + 1 < split.size() && rows % quant.getBlock()[0] != 0)
      return op.emitOpError("'split' segment ")
             << i << " (" << rows
             << " rows) must be a multiple of the quant block's rows ("
             << quant.getBlock()[0] << ") so no scale block spans two";
    sum += rows;
  }
  if (sum != n)
    return op.emitOpError("'split' segments sum to ")
           << sum << ", but weight dim 0 (N) is " << n;
  return success();
}

LogicalResult LinearOp::verify() {
  if (failed(
          verifyActivationMinRank(*this, "input", getInput().getType(), 1)) ||
      failed(verifyWeight(*this, "weight", getWeight().getType(), 2, "[N, K]")))
    return failure();
  RankedTensorType in = tensorType(getInput());
  RankedTensorType weight = tensorType(getWeight());
  int64_t rank = in.getRank();
  int64_t n = weight.getDimSize(0), k = weight.getDimSize(1);
  if (failed(verifyDim(*this, "weight dim 1 (the input's last dimension K)", k,
                       in.getDimSize(rank - 1))))
    return failure();
  std::optional<ArrayRef<int64_t>> split = getSplit();
  if (split) {
    if (failed(verifySplit(*this, *split, n)))
      return failure();
  } else if (getNumResults() != 1) {
    return emitOpError("has ")
           << getNumResults() << " results; only a 'split' linear has more "
           << "than one";
  }
  if (getSwiglu()) {
    if (failed(verifySwiGLUWeight(*this, "weight dim 0", n, getQuantAttr())))
      return failure();
    if (getBias())
      return emitOpError("'swiglu' takes no bias");
  }
  SmallVector<int64_t> segments = getSegmentRows();
  for (auto [i, value] : llvm::enumerate(getResults())) {
    std::string name = split ? "result " + std::to_string(i) : "result";
    if (failed(verifyActivationMinRank(*this, name, value.getType(), 1)))
      return failure();
    RankedTensorType result = tensorType(value);
    if (result.getRank() != rank)
      return emitOpError() << name << " must have the input's rank " << rank
                           << ", got " << result;
    for (int64_t d = 0; d + 1 < rank; ++d)
      if (failed(verifyDim(*this, name + " dim " + Twine(d),
                           result.getDimSize(d), in.getDimSize(d))))
        return failure();
    StringRef last = split         ? "'s last dimension (its 'split' segment)"
                     : getSwiglu() ? "'s last dimension (half of weight dim "
                                     "0, I)"
                                   : "'s last dimension (weight dim 0, N)";
    if (failed(verifyDim(*this, Twine(name) + last, result.getDimSize(rank - 1),
                         segments[i])))
      return failure();
    if (result.getElementType() != in.getElementType())
      return emitOpError() << name << " element type "
                           << result.getElementType()
                           << " must match the input's " << in.getElementType();
  }
  if (Value bias = getBias()) {
    if (failed(verifyWeight(*this, "bias", bias.getType(), 1, "[N]")) ||
        failed(verifyDim(*this, "bias size (N)", tensorType(bias).getDimSize(0),
                         n)))
      return failure();
  }
  Value scales = getScales();
  return verifyWeightFormat(*this, "weight", weight,
                            scales ? scales.getType() : Type(), getQuantAttr());
}

//===----------------------------------------------------------------------===//
// SigmoidGateOp
//===----------------------------------------------------------------------===//

LogicalResult SigmoidGateOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 2,
                              "[T, H]")) ||
      failed(
          verifyActivation(*this, "logit", getLogit().getType(), 2, "[T, 1]")))
    return failure();
  RankedTensorType logit = tensorType(getLogit());
  if (logit.getDimSize(1) != 1)
    return emitOpError("logit must be [T, 1] (one logit per token), got ")
           << logit;
  return verifyDim(*this, "logit dim 0 (tokens)", logit.getDimSize(0),
                   tensorType(getInput()).getDimSize(0));
}

//===----------------------------------------------------------------------===//
// RopeOp
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::verify() {
  if (failed(verifyActivation(*this, "input", getInput().getType(), 3,
                              "[T, heads, head_dim]")) ||
      failed(verifyActivation(*this, "positions", getPositions().getType(), 1,
                              "[T]")))
    return failure();
  RankedTensorType in = tensorType(getInput());
  if (in.getDimSize(2) % 2 != 0)
    return emitOpError("rotary dimension must be even, got ")
           << in.getDimSize(2);
  if (failed(verifyDim(*this, "positions size (tokens)",
                       tensorType(getPositions()).getDimSize(0),
                       in.getDimSize(0))))
    return failure();
  if (ds::Status st = ds::validateRopeTheta(getTheta().convertToDouble());
      !st.ok())
    return emitOpError(st.message());
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  if (failed(verifyActivation(*this, "query", getQuery().getType(), 3,
                              "[T, heads, qk_head_dim]")) ||
      failed(verifyActivation(*this, "key", getKey().getType(), 3,
                              "[S, kv_heads, k_head_dim]")) ||
      failed(verifyActivation(*this, "value", getValue().getType(), 3,
                              "[S, kv_heads, v_head_dim]")) ||
      failed(verifyActivation(*this, "result", getResult().getType(), 3,
                              "[T, heads, v_head_dim]")))
    return failure();
  RankedTensorType q = tensorType(getQuery()), k = tensorType(getKey()),
                   v = tensorType(getValue()), out = tensorType(getResult());
  int64_t heads = q.getDimSize(1), kvHeads = k.getDimSize(1);
  DimGroup keys(*this);
  if (failed(verifyDim(*this, "value kv_heads (the key's)", v.getDimSize(1),
                       kvHeads)) ||
      failed(keys.add(k.getDimSize(0), "key length S")) ||
      failed(keys.add(v.getDimSize(0), "value length S (the key's)")))
    return failure();
  if (kvHeads < 1 || heads % kvHeads != 0)
    return emitOpError("query heads (")
           << heads << ") must be a multiple of kv heads (" << kvHeads << ")";

  int64_t keyDim = k.getDimSize(2);
  if (Value shared = getSharedKey()) {
    if (failed(verifyActivation(*this, "shared_key", shared.getType(), 2,
                                "[S, shared_dim]")) ||
        failed(keys.add(tensorType(shared).getDimSize(0),
                        "shared_key length S (the key's)")))
      return failure();
    keyDim += tensorType(shared).getDimSize(1);
  }
  if (q.getDimSize(2) != keyDim)
    return emitOpError("query head dim ")
           << q.getDimSize(2) << " must equal the key head dim " << keyDim
           << (getSharedKey() ? " (key + shared_key)" : "");
  if (failed(verifyDim(*this, "result dim 0 (tokens)", out.getDimSize(0),
                       q.getDimSize(0))) ||
      failed(verifyDim(*this, "result heads", out.getDimSize(1), heads)) ||
      failed(verifyDim(*this, "result head dim (the value's)",
                       out.getDimSize(2), v.getDimSize(2))))
    return failure();
  if (!ShapedType::isDynamic(keys.get()) && !q.isDynamicDim(0) &&
      q.getDimSize(0) > keys.get())
    return emitOpError("has more queries (")
           << q.getDimSize(0) << ") than keys (" << keys.get()
           << "): causal queries are aligned to the end of the keys";
  if (out.getElementType() != q.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " must match the query's "
           << q.getElementType();
  double scale = getScale().convertToDouble();
  if (!std::isfinite(scale) || !(scale > 0))
    return emitOpError("'scale' must be > 0, got ") << scale;
  return success();
}
