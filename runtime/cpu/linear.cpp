//===- linear.cpp - moe.linear and moe.grouped_matmul ---------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <algorithm>

namespace ds::cpu {

using namespace detail;

Expected<Tensor> linear(const Tensor &x, const Tensor &weight,
                        const Tensor *scales, const Tensor *bias,
                        const std::optional<Quant> &quant, DType out) {
  const char *op = "moe.linear";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x); !s.ok())
    return s;
  if (x.rank() < 1)
    return operandError(op, "input",
                        cat("must have rank >= 1, got ", x.typeString()));
  if (Status s = checkWeight(op, "weight", weight, scales, quant, 2); !s.ok())
    return s;
  int64_t n = weight.dim(0), k = weight.dim(1);
  if (x.dim(-1) != k)
    return operandError(op, "input",
                        cat("last dim must be ", k, " for weight ",
                            weight.typeString(), ", got ", x.typeString()));
  if (bias) {
    if (Status s = checkFloat(op, "bias", *bias, 1); !s.ok())
      return s;
    if (bias->dim(0) != n)
      return operandError(
          op, "bias",
          cat("must have shape [", n, "], got ", bias->typeString()));
  }
  int64_t m = 1; // product of the leading dims
  for (int64_t i = 0; i + 1 < x.rank(); ++i)
    m *= x.dim(i);
  WeightSlice w = weightSlice(weight, scales, quant, 0);
  Shape shape = x.shape();
  shape.back() = n;
  std::vector<float> y(static_cast<size_t>(m * n));
  gemm(x.f().data(), m, k, w.data(), n, bias ? bias->f().data() : nullptr, out,
       y.data());
  return Tensor::floats(out, std::move(shape), std::move(y));
}

Expected<std::vector<Tensor>>
linearSplit(const Tensor &x, const Tensor &weight, const Tensor *scales,
            const Tensor *bias, const std::optional<Quant> &quant,
            const std::vector<int64_t> &split, DType out) {
  const char *op = "moe.linear";
  if (split.empty())
    return operandError(op, "split", "needs at least one segment");
  int64_t sum = 0;
  for (size_t i = 0; i < split.size(); ++i) {
    if (split[i] < 1)
      return operandError(op, "split",
                          cat("segment ", i,
                              " must have at least one row, "
                              "got ",
                              split[i]));
    if (quant && i + 1 < split.size() && split[i] % quant->blockRows != 0)
      return operandError(op, "split",
                          cat("segment ", i, " (", split[i],
                              " rows) is not a multiple of the quant block's ",
                              quant->blockRows, " rows"));
    sum += split[i];
  }
  Expected<Tensor> y = linear(x, weight, scales, bias, quant, out);
  if (!y)
    return y.status();
  int64_t n = y->dim(-1);
  if (sum != n)
    return operandError(
        op, "split",
        cat("segments sum to ", sum, ", but the weight has ", n, " rows"));
  int64_t rows = n == 0 ? 0 : y->numel() / n;
  const std::vector<float> &v = y->f();
  std::vector<Tensor> results;
  int64_t col0 = 0;
  for (int64_t cols : split) {
    Shape shape = y->shape();
    shape.back() = cols;
    std::vector<float> part(static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < rows; ++r)
      std::copy_n(v.begin() + r * n + col0, cols, part.begin() + r * cols);
    results.push_back(Tensor::floats(out, std::move(shape), std::move(part)));
    col0 += cols;
  }
  return results;
}

Expected<Tensor> groupedMatmul(const Tensor &rows, const Tensor &weight,
                               const Tensor &offsets, const Tensor *scales,
                               const std::optional<Quant> &quant, DType out) {
  const char *op = "moe.grouped_matmul";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", rows, 2); !s.ok())
    return s;
  if (Status s = checkWeight(op, "weight", weight, scales, quant, 3); !s.ok())
    return s;
  if (Status s = checkInt(op, "offsets", offsets, 1); !s.ok())
    return s;
  int64_t r = rows.dim(0), k = rows.dim(1);
  int64_t e = weight.dim(0), n = weight.dim(1);
  if (weight.dim(2) != k)
    return operandError(op, "weight",
                        cat("must have last dim ", k, " for input ",
                            rows.typeString(), ", got ", weight.typeString()));
  if (offsets.dim(0) != e + 1)
    return operandError(op, "offsets",
                        cat("must have shape [", e + 1, "] for ", e,
                            " experts, got ", offsets.typeString()));
  if (intAt(offsets, 0) != 0 || intAt(offsets, e) != r)
    return operandError(op, "offsets",
                        cat("must start at 0 and end at ", r, ", got ",
                            intAt(offsets, 0), " ... ", intAt(offsets, e)));
  for (int64_t i = 0; i < e; ++i)
    if (intAt(offsets, i + 1) < intAt(offsets, i))
      return operandError(op, "offsets",
                          cat("must be non-decreasing, got element ", i + 1,
                              " = ", intAt(offsets, i + 1), " < ",
                              intAt(offsets, i)));
  std::vector<float> y(static_cast<size_t>(r * n));
  for (int64_t ex = 0; ex < e; ++ex) {
    int64_t begin = intAt(offsets, ex), end = intAt(offsets, ex + 1);
    if (begin == end)
      continue;
    WeightSlice w = weightSlice(weight, scales, quant, ex);
    gemm(rows.f().data() + begin * k, end - begin, k, w.data(), n, nullptr, out,
         y.data() + begin * n);
  }
  return Tensor::floats(out, {r, n}, std::move(y));
}

namespace {

/// y [..., 2·I] (gate columns, then up columns, each already rounded to
/// `out`) -> swiglu [..., I], as moe.swiglu computes it.
Expected<Tensor> swigluHalves(const char *op, Expected<Tensor> y, DType out) {
  if (!y)
    return y;
  int64_t n = y->dim(-1);
  if (n % 2 != 0)
    return operandError(op, "weight",
                        cat("needs an even row count for swiglu (gate rows, "
                            "then up rows), got ",
                            n));
  int64_t half = n / 2, rows = n == 0 ? 0 : y->numel() / n;
  Shape shape = y->shape();
  shape.back() = half;
  std::vector<float> h(static_cast<size_t>(rows * half));
  const std::vector<float> &v = y->f();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < half; ++j)
      h[r * half + j] =
          roundTo(out, swigluValue(v[r * n + j], v[r * n + half + j], out));
  return Tensor::floats(out, std::move(shape), std::move(h));
}

} // namespace

Expected<Tensor> linearSwiGLU(const Tensor &x, const Tensor &weight,
                              const Tensor *scales,
                              const std::optional<Quant> &quant, DType out) {
  return swigluHalves("moe.linear",
                      linear(x, weight, scales, nullptr, quant, out), out);
}

Expected<Tensor> groupedMatmulSwiGLU(const Tensor &rows, const Tensor &weight,
                                     const Tensor &offsets,
                                     const Tensor *scales,
                                     const std::optional<Quant> &quant,
                                     DType out) {
  return swigluHalves("moe.grouped_matmul",
                      groupedMatmul(rows, weight, offsets, scales, quant, out),
                      out);
}

} // namespace ds::cpu
