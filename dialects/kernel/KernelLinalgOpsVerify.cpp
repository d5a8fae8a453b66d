//===- KernelLinalgOpsVerify.cpp - verifiers of the GEMM launches ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Verifiers of gemm and grouped_gemm: the rules of moe.linear and
// moe.grouped_matmul over buffers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelVerifyUtils.h"

#include "ds/module.h"

using namespace mlir;
using namespace ds::kernel;
using namespace ds::kernel::detail;
using namespace ds::moe::detail;

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

/// An epilogue's `split` over a weight of `n` rows: at most
/// ds::GemmAttrs::kMaxSplit, at least two positive segments summing to `n`,
/// each but the last a multiple of the quant block's rows; no swiglu.
static LogicalResult verifyGemmSplit(GemmOp op, ArrayRef<int64_t> split,
                                     int64_t n) {
  if (op.getEpilogue().getSwiglu())
    return op.emitOpError("an epilogue with swiglu takes no split");
  if (split.size() < 2 || split.size() > ds::GemmAttrs::kMaxSplit)
    return op.emitOpError("an epilogue's split needs 2 to ")
           << ds::GemmAttrs::kMaxSplit << " segments, got " << split.size();
  int64_t sum = 0;
  ds::moe::QuantAttr quant = op.getQuantAttr();
  for (auto [i, rows] : llvm::enumerate(split)) {
    if (rows < 1)
      return op.emitOpError("split segment ")
             << i << " must have at least one row, got " << rows;
    if (quant && i + 1 < split.size() && rows % quant.getBlock()[0] != 0)
      return op.emitOpError("split segment ")
             << i << " (" << rows
             << " rows) must be a multiple of the quant block's rows ("
             << quant.getBlock()[0] << ")";
    sum += rows;
  }
  if (sum != n)
    return op.emitOpError("split segments sum to ")
           << sum << ", but w dim 0 (N) is " << n;
  return success();
}

LogicalResult GemmOp::verify() {
  bool quant = static_cast<bool>(getQuantAttr());
  bool bias = getEpilogue().getBias();
  ArrayRef<int64_t> split = getEpilogue().getSplit();
  std::string layout = "a, w";
  if (quant)
    layout += ", scales ('quant' is set)";
  if (bias)
    layout += ", bias (the epilogue has bias)";
  unsigned outs = split.empty() ? 1 : split.size();
  if (failed(verifyOperandCounts(
          *this, 2 + quant + bias, outs,
          layout + (split.empty() ? "; c" : "; one c per split segment"))))
    return failure();
  if (failed(verifyActivation(*this, "a", getA().getType(), 2, "[M, K]")) ||
      failed(verifyWeight(*this, "w", getW().getType(), 2, "[N, K]")) ||
      failed(verifyElement(*this, "a", getA(), ElementKind::Float)))
    return failure();
  MemRefType a = memrefType(getA()), w = memrefType(getW());
  int64_t n = w.getDimSize(0);
  bool swiglu = getEpilogue().getSwiglu();
  if (swiglu && bias)
    return emitOpError("an epilogue with swiglu takes no bias");
  if (swiglu && failed(verifySwiGLUWeight(*this, "w dim 0", n, getQuantAttr())))
    return failure();
  if (!split.empty() && failed(verifyGemmSplit(*this, split, n)))
    return failure();
  if (failed(verifyDim(*this, "w dim 1 (a's K)", w.getDimSize(1),
                       a.getDimSize(1))))
    return failure();
  for (auto [i, out] : llvm::enumerate(getOuts())) {
    std::string name = split.empty() ? "c" : "c" + std::to_string(i);
    if (failed(verifyActivation(*this, name, out.getType(), 2, "[M, N]")) ||
        failed(verifyElement(*this, name, out, ElementKind::Float)))
      return failure();
    MemRefType c = memrefType(out);
    StringRef cols = !split.empty() ? " dim 1 (its split segment)"
                     : swiglu       ? " dim 1 (half of w dim 0, N/2)"
                                    : " dim 1 (w dim 0, N)";
    if (failed(verifyDim(*this, Twine(name) + " dim 0 (a's rows M)",
                         getExtent(out, 0), getExtent(getA(), 0))) ||
        failed(verifyDim(*this, Twine(name) + cols, c.getDimSize(1),
                         !split.empty() ? split[i]
                         : swiglu       ? n / 2
                                        : n)))
      return failure();
    if (c.getElementType() != a.getElementType())
      return emitOpError() << name << " element type " << c.getElementType()
                           << " must match a's " << a.getElementType();
  }
  if (Value b = getBias()) {
    if (failed(verifyWeight(*this, "bias", b.getType(), 1, "[N]")) ||
        failed(verifyElement(*this, "bias", b, ElementKind::Float)) ||
        failed(
            verifyDim(*this, "bias size (N)", memrefType(b).getDimSize(0), n)))
      return failure();
  }
  Value scales = getScales();
  return verifyWeightFormat(*this, "w", w, scales ? scales.getType() : Type(),
                            getQuantAttr());
}

//===----------------------------------------------------------------------===//
// GroupedGemmOp
//===----------------------------------------------------------------------===//

LogicalResult GroupedGemmOp::verify() {
  bool quant = static_cast<bool>(getQuantAttr());
  if (failed(verifyOperandCounts(
          *this, 3 + quant, 1,
          quant ? "rows, w, offsets, scales ('quant' is set); c"
                : "rows, w, offsets; c")))
    return failure();
  if (failed(
          verifyActivation(*this, "rows", getRows().getType(), 2, "[R, K]")) ||
      failed(verifyWeight(*this, "w", getW().getType(), 3, "[E, N, K]")) ||
      failed(verifyWeight(*this, "offsets", getOffsets().getType(), 1,
                          "[E + 1]")) ||
      failed(verifyActivation(*this, "c", getC().getType(), 2, "[R, N]")) ||
      failed(verifyElement(*this, "rows", getRows(), ElementKind::Float)) ||
      failed(verifyElement(*this, "offsets", getOffsets(), ElementKind::I32)) ||
      failed(verifyElement(*this, "c", getC(), ElementKind::Float)))
    return failure();
  MemRefType rows = memrefType(getRows()), w = memrefType(getW()),
             c = memrefType(getC());
  if (w.getDimSize(0) < 1)
    return emitOpError("needs at least one expert, got w ") << w;
  bool swiglu = isSwiGLU();
  int64_t n = w.getDimSize(1);
  if (getEpilogue() && getEpilogue()->getBias())
    return emitOpError("a grouped GEMM's epilogue takes no bias");
  if (getEpilogue() && !getEpilogue()->getSplit().empty())
    return emitOpError("a grouped GEMM's epilogue takes no split");
  if (swiglu && failed(verifySwiGLUWeight(*this, "w dim 1", n, getQuantAttr())))
    return failure();
  if (failed(verifyDim(*this, "w dim 2 (the rows' K)", w.getDimSize(2),
                       rows.getDimSize(1))) ||
      failed(verifyDim(*this, "offsets size (w experts + 1)",
                       memrefType(getOffsets()).getDimSize(0),
                       w.getDimSize(0) + 1)) ||
      failed(verifyDim(*this, "c rows (the rows')", getExtent(getC(), 0),
                       getExtent(getRows(), 0))) ||
      failed(verifyDim(*this,
                       swiglu ? "c dim 1 (half of w dim 1, N/2)"
                              : "c dim 1 (w dim 1, N)",
                       c.getDimSize(1), swiglu ? n / 2 : n)))
    return failure();
  if (c.getElementType() != rows.getElementType())
    return emitOpError("c element type ")
           << c.getElementType() << " must match the rows' "
           << rows.getElementType();
  Value scales = getScales();
  return verifyWeightFormat(*this, "w", w, scales ? scales.getType() : Type(),
                            getQuantAttr());
}
