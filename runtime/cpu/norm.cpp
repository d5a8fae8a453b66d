//===- norm.cpp - moe.rms_norm and moe.add_rms_norm -----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <cmath>

namespace ds::cpu {

using namespace detail;

Expected<Tensor> rmsNorm(const Tensor &x, const Tensor &weight, double eps,
                         DType out) {
  const char *op = "moe.rms_norm";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x); !s.ok())
    return s;
  if (x.rank() < 1)
    return operandError(op, "input",
                        cat("must have rank >= 1, got ", x.typeString()));
  if (Status s = checkFloat(op, "weight", weight, 1); !s.ok())
    return s;
  int64_t d = x.dim(-1);
  if (weight.dim(0) != d)
    return operandError(op, "weight",
                        cat("must have shape [", d, "] for input ",
                            x.typeString(), ", got ", weight.typeString()));
  if (!(eps >= 0.0))
    return Status::error(cat(op, ": eps must be non-negative, got ", eps));
  // x's dtype is what HF casts the normalized value back to; a float type the
  // reference does not compute in is held like F32.
  DType xType = checkOutType(op, x.dtype()).ok() ? x.dtype() : DType::F32;
  int64_t rows = d == 0 ? 0 : x.numel() / d;
  const float epsF = static_cast<float>(eps);
  std::vector<float> y(static_cast<size_t>(x.numel()));
  for (int64_t r = 0; r < rows; ++r) {
    const float *xr = x.f().data() + r * d;
    float sumSq = 0.0f;
    for (int64_t i = 0; i < d; ++i)
      sumSq += xr[i] * xr[i];
    float variance = sumSq / static_cast<float>(d);
    float inv = 1.0f / std::sqrt(variance + epsF);
    for (int64_t i = 0; i < d; ++i) {
      float normed = roundTo(xType, xr[i] * inv);
      y[static_cast<size_t>(r * d + i)] =
          roundTo(out, weight.f()[static_cast<size_t>(i)] * normed);
    }
  }
  return Tensor::floats(out, x.shape(), std::move(y));
}

Expected<AddRmsNormResult> addRmsNorm(const Tensor &x, const Tensor &residual,
                                      const Tensor &weight, double eps,
                                      DType out) {
  const char *op = "moe.add_rms_norm";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x); !s.ok())
    return s;
  if (Status s = checkFloat(op, "residual", residual); !s.ok())
    return s;
  if (residual.shape() != x.shape())
    return operandError(op, "residual",
                        cat("must have the input's shape ",
                            shapeToString(x.shape()), ", got ",
                            residual.typeString()));
  std::vector<float> sum(static_cast<size_t>(x.numel()));
  for (size_t i = 0; i < sum.size(); ++i)
    sum[i] = roundTo(out, x.f()[i] + residual.f()[i]);
  AddRmsNormResult result;
  result.sum = Tensor::floats(out, x.shape(), std::move(sum));
  Expected<Tensor> normed = rmsNorm(result.sum, weight, eps, out);
  if (!normed)
    return Status::error("moe.add_rms_norm: " + normed.message());
  result.normed = std::move(*normed);
  return result;
}

} // namespace ds::cpu
