//===- elementwise.cpp - embedding, swiglu, sigmoid_gate ------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <cmath>

namespace ds::cpu {

using namespace detail;

Expected<Tensor> embedding(const Tensor &table, const Tensor &ids, DType out) {
  const char *op = "moe.embedding";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "table", table, 2); !s.ok())
    return s;
  if (Status s = checkInt(op, "ids", ids, 1); !s.ok())
    return s;
  int64_t v = table.dim(0), h = table.dim(1), t = ids.dim(0);
  std::vector<float> y(static_cast<size_t>(t * h));
  for (int64_t i = 0; i < t; ++i) {
    int64_t id = intAt(ids, i);
    if (id < 0 || id >= v)
      return operandError(op, "ids",
                          cat("element ", i, " = ", id, " is outside [0, ", v,
                              ") for table ", table.typeString()));
    for (int64_t j = 0; j < h; ++j)
      y[static_cast<size_t>(i * h + j)] =
          roundTo(out, table.f()[static_cast<size_t>(id * h + j)]);
  }
  return Tensor::floats(out, {t, h}, std::move(y));
}

Expected<Tensor> swiglu(const Tensor &gate, const Tensor &up, DType out) {
  const char *op = "moe.swiglu";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "gate", gate); !s.ok())
    return s;
  if (Status s = checkFloat(op, "up", up); !s.ok())
    return s;
  if (up.shape() != gate.shape())
    return operandError(op, "up",
                        cat("must have the gate's shape ",
                            shapeToString(gate.shape()), ", got ",
                            up.typeString()));
  std::vector<float> y(gate.f().size());
  for (size_t i = 0; i < y.size(); ++i)
    y[i] = roundTo(out, swigluValue(gate.f()[i], up.f()[i], out));
  return Tensor::floats(out, gate.shape(), std::move(y));
}

Expected<Tensor> sigmoidGate(const Tensor &x, const Tensor &logit, DType out) {
  const char *op = "moe.sigmoid_gate";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x, 2); !s.ok())
    return s;
  if (Status s = checkFloat(op, "logit", logit, 2); !s.ok())
    return s;
  int64_t t = x.dim(0), h = x.dim(1);
  if (logit.dim(0) != t || logit.dim(1) != 1)
    return operandError(
        op, "logit",
        cat("must have shape [", t, ", 1], got ", logit.typeString()));
  std::vector<float> y(static_cast<size_t>(t * h));
  for (int64_t i = 0; i < t; ++i) {
    float g = roundTo(
        out, 1.0f / (1.0f + std::exp(-logit.f()[static_cast<size_t>(i)])));
    for (int64_t j = 0; j < h; ++j) {
      size_t idx = static_cast<size_t>(i * h + j);
      y[idx] = roundTo(out, x.f()[idx] * g);
    }
  }
  return Tensor::floats(out, {t, h}, std::move(y));
}

} // namespace ds::cpu
