//===- detail.cpp - Shared helpers of the CPU reference ops ---------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <cmath>
#include <thread>

namespace ds::cpu::detail {

namespace {

/// Work (multiply-adds) below which parallelFor stays on one thread.
constexpr int64_t MinParallelWork = int64_t(1) << 18;

} // namespace

Status operandError(const char *op, const char *name,
                    const std::string &message) {
  return Status::error(cat(op, ": operand '", name, "' ", message));
}

Status checkFloat(const char *op, const char *name, const Tensor &t,
                  int64_t rank) {
  if (!t.isFloat())
    return operandError(op, name,
                        cat("must be a float tensor, got ", t.typeString()));
  if (rank >= 0 && t.rank() != rank)
    return operandError(op, name,
                        cat("must have rank ", rank, ", got ", t.typeString()));
  return Status::success();
}

Status checkInt(const char *op, const char *name, const Tensor &t,
                int64_t rank) {
  if (t.isFloat() || !isIntegerDType(t.dtype()))
    return operandError(op, name,
                        cat("must be an integer tensor, got ", t.typeString()));
  if (rank >= 0 && t.rank() != rank)
    return operandError(op, name,
                        cat("must have rank ", rank, ", got ", t.typeString()));
  return Status::success();
}

Status checkOutType(const char *op, DType type) {
  if (isComputeFloat(type))
    return Status::success();
  return Status::error(cat(op, ": result type ", dtypeName(type),
                           " is not a float type the reference computes in"));
}

Status checkWeight(const char *op, const char *name, const Tensor &weight,
                   const Tensor *scales, const std::optional<Quant> &quant,
                   int64_t rank) {
  if (weight.rank() != rank)
    return operandError(
        op, name, cat("must have rank ", rank, ", got ", weight.typeString()));
  if (!quant) {
    if (scales)
      return operandError(op, "scales",
                          "given without a quant attribute (dense weight)");
    DType t = weight.dtype();
    if (t != DType::F32 && t != DType::F64 && t != DType::BF16 &&
        t != DType::F16)
      return operandError(
          op, name,
          cat("of type ", weight.typeString(),
              " needs a quant attribute and scales (dense weights are "
              "BF16, F16, F32 or F64)"));
    return Status::success();
  }
  DType storage = quantStorageDType(quant->scheme);
  if (weight.dtype() != storage)
    return operandError(
        op, name,
        cat("must be ", dtypeName(storage), " for quant scheme ",
            quantSchemeName(quant->scheme), ", got ", weight.typeString()));
  if (Status s = quant->validate(); !s.ok())
    return s.withContext(op);
  if (!scales)
    return operandError(op, "scales", "is required by the quant attribute");
  if (Status s = checkFloat(op, "scales", *scales, rank); !s.ok())
    return s;
  Shape expected = weight.shape();
  expected[rank - 2] = ceilDiv(expected[rank - 2], quant->blockRows);
  expected[rank - 1] = ceilDiv(expected[rank - 1], quant->blockCols);
  if (scales->shape() != expected)
    return operandError(op, "scales",
                        cat("must have shape ", shapeToString(expected),
                            " for weight ", weight.typeString(), " and block [",
                            quant->blockRows, ", ", quant->blockCols, "], got ",
                            scales->typeString()));
  return Status::success();
}

WeightSlice weightSlice(const Tensor &weight, const Tensor *scales,
                        const std::optional<Quant> &quant, int64_t slice) {
  int64_t n = weight.dim(-2), k = weight.dim(-1);
  size_t base = static_cast<size_t>(slice * n * k);
  WeightSlice result;
  if (!quant) {
    result.view = weight.f().data() + base;
    return result;
  }
  std::vector<float> &w = result.owned;
  w.resize(static_cast<size_t>(n * k));
  int64_t sRows = ceilDiv(n, quant->blockRows);
  int64_t sCols = ceilDiv(k, quant->blockCols);
  const float *s = scales->f().data() + slice * sRows * sCols;
  bool isFloatStorage = weight.isFloat();
  for (int64_t r = 0; r < n; ++r) {
    const float *sRow = s + (r / quant->blockRows) * sCols;
    for (int64_t c = 0; c < k; ++c) {
      size_t i = static_cast<size_t>(r * k + c);
      float q = isFloatStorage ? weight.f()[base + i]
                               : static_cast<float>(weight.i()[base + i]);
      w[i] = q * sRow[c / quant->blockCols];
    }
  }
  return result;
}

void parallelFor(int64_t count, int64_t costPerItem,
                 const std::function<void(int64_t, int64_t)> &body) {
  if (count <= 0)
    return;
  unsigned cores = std::thread::hardware_concurrency();
  if (cores < 2 || count < 2 || count * costPerItem < MinParallelWork) {
    body(0, count);
    return;
  }
  int64_t mid = count / 2;
  std::thread worker([&body, mid, count] { body(mid, count); });
  body(0, mid);
  worker.join();
}

void gemm(const float *x, int64_t m, int64_t k, const float *w, int64_t n,
          const float *bias, DType type, float *out) {
  parallelFor(m * n, k, [=](int64_t begin, int64_t end) {
    for (int64_t idx = begin; idx < end; ++idx) {
      int64_t row = idx / n, col = idx % n;
      const float *xr = x + row * k;
      const float *wr = w + col * k;
      float acc = 0.0f;
      for (int64_t j = 0; j < k; ++j)
        acc += xr[j] * wr[j];
      if (bias)
        acc += bias[col];
      out[idx] = roundTo(type, acc);
    }
  });
}

float swigluValue(float gate, float up, DType out) {
  float sigmoid = 1.0f / (1.0f + std::exp(-gate));
  return roundTo(out, gate * sigmoid) * up;
}

} // namespace ds::cpu::detail
