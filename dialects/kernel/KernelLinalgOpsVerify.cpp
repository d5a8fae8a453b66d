//===- KernelLinalgOpsVerify.cpp - verifiers of the GEMM launches ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Verifiers of gemm and grouped_gemm: the rules of moe.linear and
// moe.grouped_matmul over buffers.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelVerifyUtils.h"

using namespace mlir;
using namespace ds::kernel;
using namespace ds::kernel::detail;
using namespace ds::moe::detail;

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::verify() {
  bool quant = static_cast<bool>(getQuantAttr());
  bool bias = getEpilogue().getBias();
  std::string layout = "a, w";
  if (quant)
    layout += ", scales ('quant' is set)";
  if (bias)
    layout += ", bias (the epilogue has bias)";
  if (failed(verifyOperandCounts(*this, 2 + quant + bias, 1, layout + "; c")))
    return failure();
  if (failed(verifyActivation(*this, "a", getA().getType(), 2, "[M, K]")) ||
      failed(verifyWeight(*this, "w", getW().getType(), 2, "[N, K]")) ||
      failed(verifyActivation(*this, "c", getC().getType(), 2, "[M, N]")) ||
      failed(verifyElement(*this, "a", getA(), ElementKind::Float)) ||
      failed(verifyElement(*this, "c", getC(), ElementKind::Float)))
    return failure();
  MemRefType a = memrefType(getA()), w = memrefType(getW()),
             c = memrefType(getC());
  int64_t n = w.getDimSize(0);
  bool swiglu = getEpilogue().getSwiglu();
  if (swiglu && bias)
    return emitOpError("an epilogue with swiglu takes no bias");
  if (swiglu && failed(verifySwiGLUWeight(*this, "w dim 0", n, getQuantAttr())))
    return failure();
  if (failed(verifyDim(*this, "w dim 1 (a's K)", w.getDimSize(1),
                       a.getDimSize(1))) ||
      failed(verifyDim(*this, "c dim 0 (a's rows M)", getExtent(getC(), 0),
                       getExtent(getA(), 0))) ||
      failed(verifyDim(*this,
                       swiglu ? "c dim 1 (half of w dim 0, N/2)"
                              : "c dim 1 (w dim 0, N)",
                       c.getDimSize(1), swiglu ? n / 2 : n)))
    return failure();
  if (c.getElementType() != a.getElementType())
    return emitOpError("c element type ")
           << c.getElementType() << " must match a's " << a.getElementType();
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
