//===- detail.h - Shared helpers of the CPU reference ops -------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Internal to runtime/cpu: message formatting, operand validation, weight
// dequantization and a deterministic parallel-for. Not installed.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_CPU_DETAIL_H
#define DS_RUNTIME_CPU_DETAIL_H

#include "ds/cpu/ops.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace ds::cpu::detail {

/// "<op>: operand '<name>': <message>".
Status operandError(const char *op, const char *name,
                    const std::string &message);

/// Fails unless `t` is a float tensor of rank `rank` (any rank when -1).
Status checkFloat(const char *op, const char *name, const Tensor &t,
                  int64_t rank = -1);
/// Fails unless `t` is an integer tensor of rank `rank` (any rank when -1).
Status checkInt(const char *op, const char *name, const Tensor &t,
                int64_t rank = -1);
/// Fails unless `type` is a float dtype the reference computes in (F32, F64,
/// BF16, F16, F8_E4M3, F8_E5M2); `what` names it ("result").
Status checkOutType(const char *op, DType type);

/// A weight operand ([..., N, K], dense float or quantized) validated against
/// its optional scales and quant attribute. `rank` is the rank the op
/// expects (2 for linear, 3 for stacked expert weights).
Status checkWeight(const char *op, const char *name, const Tensor &weight,
                   const Tensor *scales, const std::optional<Quant> &quant,
                   int64_t rank);

/// The fp32 values of slice `slice` (of the leading dim when the weight has
/// rank 3; 0 for rank 2) of a weight already accepted by checkWeight(),
/// row-major [N, K]. Dense weights are viewed in place (no copy: an lm_head
/// is gigabytes); quantized ones are dequantized into `owned` as
/// `W[n, k] = decode(Wq[n, k]) * scale[n / b0, k / b1]` in fp32.
struct WeightSlice {
  std::vector<float> owned;
  const float *view = nullptr;
  const float *data() const { return view ? view : owned.data(); }
};
WeightSlice weightSlice(const Tensor &weight, const Tensor *scales,
                        const std::optional<Quant> &quant, int64_t slice);

/// `out[m, n] = Σ_k x[m, k] · w[n, k]` (+ bias[n]) accumulated in fp32 in
/// increasing k, rounded to `type`. `x` has M·K values, `w` N·K. Runs on up
/// to two threads when the work is large; the result does not depend on it.
void gemm(const float *x, int64_t m, int64_t k, const float *w, int64_t n,
          const float *bias, DType type, float *out);

/// Calls `body(begin, end)` over disjoint ranges covering [0, count), on the
/// calling thread and (when `count · costPerItem` is large and the machine
/// has more than one core) one more std::thread. Every item is processed by
/// exactly one call, so any per-item computation stays deterministic.
void parallelFor(int64_t count, int64_t costPerItem,
                 const std::function<void(int64_t, int64_t)> &body);

/// Integer elements of `t` (any integer dtype).
inline int64_t intAt(const Tensor &t, int64_t i) {
  return t.i()[static_cast<size_t>(i)];
}

/// silu(g) · u with HF's cast order: silu(g) in fp32 rounded to `out`, then
/// the product in fp32 (the caller rounds it).
float swigluValue(float gate, float up, DType out);

/// ceil(a / b) for a >= 0, b > 0.
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace ds::cpu::detail

#endif // DS_RUNTIME_CPU_DETAIL_H
