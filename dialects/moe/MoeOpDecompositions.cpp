//===- MoeOpDecompositions.cpp - decompositions of composite moe ops ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// DecomposableOpInterface for the composite ops. Each decomposition keeps the
// numbers: the composite op's semantics are defined as exactly this sequence
// (each intermediate rounded to the activation type), which the CPU
// reference implements bit for bit in both forms.
//
//===----------------------------------------------------------------------===//

#include "dialects/moe/MoeOps.h"

#include "ds/limits.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace ds::moe;

#include "dialects/moe/MoeInterfaces.cpp.inc"

/// sum = input + residual; result = rms_norm(sum).
LogicalResult AddRMSNormOp::decompose(RewriterBase &rewriter) {
  rewriter.setInsertionPoint(*this);
  Value sum =
      arith::AddFOp::create(rewriter, getLoc(), getInput(), getResidual());
  Value normed = RMSNormOp::create(rewriter, getLoc(), getResult().getType(),
                                   sum, getWeight(), getEpsAttr());
  rewriter.replaceOp(*this, ValueRange{sum, normed});
  return success();
}

/// The sparse form: only the (token, expert) pairs the router chose are
/// computed.
///
///   %rows, %perm, %offsets = moe.dispatch %x, %indices
///   %g = moe.grouped_matmul %rows, %gate, %offsets
///   %u = moe.grouped_matmul %rows, %up, %offsets
///   %a = moe.swiglu %g, %u
///   %y = moe.grouped_matmul %a, %down, %offsets
///   %r = moe.combine %y, %perm, %weights
LogicalResult ExpertsOp::decompose(RewriterBase &rewriter) {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto gate = cast<RankedTensorType>(getGate().getType());
  int64_t experts = gate.getDimSize(0), inter = gate.getDimSize(1);
  // Verified IR has E < kMaxDimSize; a pass may decompose before verifying.
  std::optional<int64_t> offsetsSize = ds::checkedAdd(experts, 1);
  if (ShapedType::isDynamic(experts) || experts < 1 || !offsetsSize ||
      *offsetsSize > ds::kMaxDimSize)
    return rewriter.notifyMatchFailure(
        *this, "the expert count leaves no valid [E + 1] offsets type");
  Type act = input.getElementType();
  int64_t hidden = input.getDimSize(1);
  Location loc = getLoc();
  rewriter.setInsertionPoint(*this);

  // One row per (token, slot): T·K rows, dynamic like the tokens.
  auto rows = [&](int64_t width) {
    return RankedTensorType::get({ShapedType::kDynamic, width}, act);
  };
  Type i32 = rewriter.getI32Type();
  auto dispatch = DispatchOp::create(
      rewriter, loc, rows(hidden),
      RankedTensorType::get({ShapedType::kDynamic}, i32),
      RankedTensorType::get({*offsetsSize}, i32), getInput(), getIndices());

  ValueRange scales = getScales();
  auto matmul = [&](Value x, Value weight, unsigned which, int64_t width) {
    Value scale = scales.empty() ? Value() : scales[which];
    return GroupedMatmulOp::create(rewriter, loc, rows(width), x, weight,
                                   dispatch.getOffsets(), scale, getQuantAttr())
        .getResult();
  };
  Value g = matmul(dispatch.getPermuted(), getGate(), 0, inter);
  Value u = matmul(dispatch.getPermuted(), getUp(), 1, inter);
  Value a = SwiGLUOp::create(rewriter, loc, g.getType(), g, u);
  Value y = matmul(a, getDown(), 2, hidden);
  Value combined = CombineOp::create(rewriter, loc, getResult().getType(), y,
                                     dispatch.getPerm(), getWeights());
  rewriter.replaceOp(*this, combined);
  return success();
}
