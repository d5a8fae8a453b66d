//===- experts.cpp - moe.experts, moe.dispatch, moe.combine ---------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// moe.experts is computed so that moe.dispatch + moe.grouped_matmul (gate,
// up) + moe.swiglu + moe.grouped_matmul (down) + moe.combine reproduce it
// bit for bit: per (token, slot) the gate and up projections, the SwiGLU and
// the down projection are each rounded to the result dtype as the separate
// ops round them, and the weighted sum runs over k = 0 .. K-1 in fp32 like
// moe.combine.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <algorithm>

namespace ds::cpu {

using namespace detail;

namespace {

Status checkIndices(const char *op, const Tensor &indices, int64_t t,
                    int64_t numExperts) {
  if (Status s = checkInt(op, "indices", indices, 2); !s.ok())
    return s;
  if (indices.dim(0) != t)
    return operandError(op, "indices",
                        cat("must have ", t, " rows like the input, got ",
                            indices.typeString()));
  for (int64_t i = 0; i < indices.numel(); ++i) {
    int64_t e = intAt(indices, i);
    if (e < 0 || e >= numExperts)
      return operandError(op, "indices",
                          cat("element [", i / indices.dim(1), ", ",
                              i % indices.dim(1), "] = ", e, " is outside [0, ",
                              numExperts, ")"));
  }
  return Status::success();
}

} // namespace

Expected<Tensor> experts(const Tensor &x, const Tensor &weights,
                         const Tensor &indices, const Tensor &gate,
                         const Tensor &up, const Tensor &down,
                         const std::vector<const Tensor *> &scales,
                         const std::optional<Quant> &quant, DType out) {
  const char *op = "moe.experts";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x, 2); !s.ok())
    return s;
  if (!scales.empty() && scales.size() != 3)
    return operandError(op, "scales",
                        cat("must be empty or three tensors (gate, up, "
                            "down), got ",
                            scales.size()));
  for (const Tensor *s : scales)
    if (!s)
      return operandError(op, "scales", "contains a null tensor");
  const Tensor *gs = scales.empty() ? nullptr : scales[0];
  const Tensor *us = scales.empty() ? nullptr : scales[1];
  const Tensor *ds = scales.empty() ? nullptr : scales[2];
  if (Status s = checkWeight(op, "gate", gate, gs, quant, 3); !s.ok())
    return s;
  if (Status s = checkWeight(op, "up", up, us, quant, 3); !s.ok())
    return s;
  if (Status s = checkWeight(op, "down", down, ds, quant, 3); !s.ok())
    return s;
  int64_t t = x.dim(0), h = x.dim(1);
  int64_t e = gate.dim(0), inter = gate.dim(1);
  if (gate.dim(2) != h)
    return operandError(
        op, "gate",
        cat("must have shape [E, I, ", h, "], got ", gate.typeString()));
  if (up.shape() != gate.shape())
    return operandError(op, "up",
                        cat("must have the gate's shape ",
                            shapeToString(gate.shape()), ", got ",
                            up.typeString()));
  if (down.dim(0) != e || down.dim(1) != h || down.dim(2) != inter)
    return operandError(op, "down",
                        cat("must have shape [", e, ", ", h, ", ", inter,
                            "], got ", down.typeString()));
  if (Status s = checkFloat(op, "weights", weights, 2); !s.ok())
    return s;
  if (Status s = checkIndices(op, indices, t, e); !s.ok())
    return s;
  int64_t k = indices.dim(1);
  if (weights.shape() != indices.shape())
    return operandError(op, "weights",
                        cat("must have the indices' shape ",
                            shapeToString(indices.shape()), ", got ",
                            weights.typeString()));

  // Expert weights (dequantized once per expert that is used).
  struct ExpertWeights {
    bool ready = false;
    WeightSlice gate, up, down;
  };
  std::vector<ExpertWeights> cache(static_cast<size_t>(e));
  for (int64_t i = 0; i < indices.numel(); ++i) {
    int64_t ex = intAt(indices, i);
    ExpertWeights &w = cache[static_cast<size_t>(ex)];
    if (w.ready)
      continue;
    w.ready = true;
    w.gate = weightSlice(gate, gs, quant, ex);
    w.up = weightSlice(up, us, quant, ex);
    w.down = weightSlice(down, ds, quant, ex);
  }

  std::vector<float> y(static_cast<size_t>(t * h));
  std::vector<float> g(static_cast<size_t>(inter)), u(g), a(g);
  std::vector<float> o(static_cast<size_t>(h)), acc(o);
  for (int64_t ti = 0; ti < t; ++ti) {
    const float *xr = x.f().data() + ti * h;
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int64_t j = 0; j < k; ++j) {
      const ExpertWeights &w =
          cache[static_cast<size_t>(intAt(indices, ti * k + j))];
      gemm(xr, 1, h, w.gate.data(), inter, nullptr, out, g.data());
      gemm(xr, 1, h, w.up.data(), inter, nullptr, out, u.data());
      for (int64_t c = 0; c < inter; ++c)
        a[static_cast<size_t>(c)] =
            roundTo(out, swigluValue(g[static_cast<size_t>(c)],
                                     u[static_cast<size_t>(c)], out));
      gemm(a.data(), 1, inter, w.down.data(), h, nullptr, out, o.data());
      float wt = weights.f()[static_cast<size_t>(ti * k + j)];
      for (int64_t c = 0; c < h; ++c)
        acc[static_cast<size_t>(c)] += wt * o[static_cast<size_t>(c)];
    }
    for (int64_t c = 0; c < h; ++c)
      y[static_cast<size_t>(ti * h + c)] =
          roundTo(out, acc[static_cast<size_t>(c)]);
  }
  return Tensor::floats(out, {t, h}, std::move(y));
}

Expected<DispatchResult> dispatch(const Tensor &x, const Tensor &indices,
                                  int64_t numExperts, DType out) {
  const char *op = "moe.dispatch";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x, 2); !s.ok())
    return s;
  if (numExperts < 1)
    return Status::error(
        cat(op, ": number of experts must be >= 1, got ", numExperts));
  int64_t t = x.dim(0), h = x.dim(1);
  if (Status s = checkIndices(op, indices, t, numExperts); !s.ok())
    return s;
  int64_t k = indices.dim(1), n = t * k;
  // Counting sort by expert: stable, ties keep flat slot order.
  std::vector<int64_t> offsets(static_cast<size_t>(numExperts + 1), 0);
  for (int64_t i = 0; i < n; ++i)
    ++offsets[static_cast<size_t>(intAt(indices, i) + 1)];
  for (int64_t e = 0; e < numExperts; ++e)
    offsets[static_cast<size_t>(e + 1)] += offsets[static_cast<size_t>(e)];
  std::vector<int64_t> next(offsets.begin(), offsets.end() - 1);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    perm[static_cast<size_t>(next[static_cast<size_t>(intAt(indices, i))]++)] =
        i;
  std::vector<float> rows(static_cast<size_t>(n * h));
  for (int64_t r = 0; r < n; ++r) {
    int64_t token = perm[static_cast<size_t>(r)] / k;
    for (int64_t c = 0; c < h; ++c)
      rows[static_cast<size_t>(r * h + c)] =
          roundTo(out, x.f()[static_cast<size_t>(token * h + c)]);
  }
  DispatchResult result;
  result.rows = Tensor::floats(out, {n, h}, std::move(rows));
  result.permutation = Tensor::ints(DType::I32, {n}, std::move(perm));
  result.offsets =
      Tensor::ints(DType::I32, {numExperts + 1}, std::move(offsets));
  return result;
}

Expected<Tensor> combine(const Tensor &rows, const Tensor &permutation,
                         const Tensor &weights, DType out) {
  const char *op = "moe.combine";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", rows, 2); !s.ok())
    return s;
  if (Status s = checkInt(op, "perm", permutation, 1); !s.ok())
    return s;
  if (Status s = checkFloat(op, "weights", weights, 2); !s.ok())
    return s;
  int64_t t = weights.dim(0), k = weights.dim(1), n = t * k;
  int64_t h = rows.dim(1);
  if (rows.dim(0) != n)
    return operandError(op, "input",
                        cat("must have ", n, " rows (T·K for weights ",
                            weights.typeString(), "), got ",
                            rows.typeString()));
  if (permutation.dim(0) != n)
    return operandError(
        op, "perm",
        cat("must have shape [", n, "], got ", permutation.typeString()));
  // rowOf[t·K + k] = r: the inverse permutation; every slot exactly once.
  std::vector<int64_t> rowOf(static_cast<size_t>(n), -1);
  for (int64_t r = 0; r < n; ++r) {
    int64_t slot = intAt(permutation, r);
    if (slot < 0 || slot >= n)
      return operandError(
          op, "perm",
          cat("element ", r, " = ", slot, " is outside [0, ", n, ")"));
    if (rowOf[static_cast<size_t>(slot)] >= 0)
      return operandError(op, "perm",
                          cat("element ", r, " = ", slot, " repeats element ",
                              rowOf[static_cast<size_t>(slot)],
                              " (not a permutation)"));
    rowOf[static_cast<size_t>(slot)] = r;
  }
  std::vector<float> y(static_cast<size_t>(t * h));
  std::vector<float> acc(static_cast<size_t>(h));
  for (int64_t ti = 0; ti < t; ++ti) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int64_t j = 0; j < k; ++j) {
      int64_t r = rowOf[static_cast<size_t>(ti * k + j)];
      float wt = weights.f()[static_cast<size_t>(ti * k + j)];
      for (int64_t c = 0; c < h; ++c)
        acc[static_cast<size_t>(c)] +=
            wt * rows.f()[static_cast<size_t>(r * h + c)];
    }
    for (int64_t c = 0; c < h; ++c)
      y[static_cast<size_t>(ti * h + c)] =
          roundTo(out, acc[static_cast<size_t>(c)]);
  }
  return Tensor::floats(out, {t, h}, std::move(y));
}

} // namespace ds::cpu
