//===- ds/cpu/ops.h - CPU reference implementation of moe ops --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One reference implementation per `moe` op kind, with the semantics written
// in the op descriptions of dialects/moe/MoeOps.td and the Hugging Face math
// of models.md §2. Accumulation is fp32; each result is rounded to the result
// dtype `out` the caller passes (the op's result element type). Quantized
// weights (F8_E4M3, I8, I4) are dequantized with their block scales as
// `#moe.quant` describes.
//
// Every function validates its operands (ranks, shapes, dtypes, index ranges)
// and fails with a message naming the op, the operand and the offending value
// instead of reading out of bounds. The attribute parameters are the shared
// structs of ds/op_attrs.h, checked with their `validate()`. No MLIR, no
// exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CPU_OPS_H
#define DS_CPU_OPS_H

#include "ds/cpu/tensor.h"
#include "ds/op_attrs.h"

#include <optional>

namespace ds::cpu {

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

/// moe.embedding: rows of `table` [V, H] picked by `ids` [T] (integer). An id
/// outside [0, V) fails, naming its position and value.
Expected<Tensor> embedding(const Tensor &table, const Tensor &ids, DType out);

/// moe.rms_norm over the last dim of `x` [..., D] with `weight` [D], HF cast
/// order: w * cast_to_x_dtype(x_f32 * rsqrt(mean(x_f32²) + eps)).
Expected<Tensor> rmsNorm(const Tensor &x, const Tensor &weight, double eps,
                         DType out);

/// moe.add_rms_norm: sum = x + residual (rounded to `out`), normed =
/// rms_norm(sum).
struct AddRmsNormResult {
  Tensor sum;
  Tensor normed;
};
Expected<AddRmsNormResult> addRmsNorm(const Tensor &x, const Tensor &residual,
                                      const Tensor &weight, double eps,
                                      DType out);

/// moe.linear: `x` [..., K] times `weight` [N, K] transposed, plus `bias`
/// [N]. A quantized weight needs `scales` and `quant`; it is dequantized in
/// fp32 (`decode(Wq) · scale`, not rounded to bf16 first as DeepSeek's
/// `weight_dequant` / `fp8_cast_bf16.py` do). fp32 accumulation in
/// increasing k; the bias is added in fp32 before the one rounding to `out`.
Expected<Tensor> linear(const Tensor &x, const Tensor &weight,
                        const Tensor *scales, const Tensor *bias,
                        const std::optional<Quant> &quant, DType out);

/// moe.linear {swiglu}: `weight` [2·I, K] holds the gate rows then the up
/// rows; both products are computed and rounded as linear() does, then
/// combined as swiglu() does: result [..., I], bit-identical with the two
/// linears and the swiglu.
Expected<Tensor> linearSwiGLU(const Tensor &x, const Tensor &weight,
                              const Tensor *scales,
                              const std::optional<Quant> &quant, DType out);

/// moe.linear {split}: `weight` [N, K] (and `bias` [N]) hold the rows of
/// `split.size()` projections one after another (positive sizes summing to
/// N; with `quant` each but the last a multiple of the block's rows);
/// result i is [..., split[i]], bit-identical with linear() over that
/// segment's rows (each output element is accumulated on its own).
Expected<std::vector<Tensor>>
linearSplit(const Tensor &x, const Tensor &weight, const Tensor *scales,
            const Tensor *bias, const std::optional<Quant> &quant,
            const std::vector<int64_t> &split, DType out);

/// moe.swiglu: silu(gate) * up, elementwise, with HF's cast order: silu is
/// computed in fp32 and rounded to `out`, then multiplied by up and rounded.
Expected<Tensor> swiglu(const Tensor &gate, const Tensor &up, DType out);

/// moe.sigmoid_gate: x [T, H] * sigmoid(logit [T, 1]) per token, with HF's
/// cast order: the sigmoid is rounded to `out`, then the product.
Expected<Tensor> sigmoidGate(const Tensor &x, const Tensor &logit, DType out);

/// moe.rope on `x` [T, heads, d] (d even) at integer `positions` [T], base
/// `theta`, optional YaRN.
Expected<Tensor> rope(const Tensor &x, const Tensor &positions, double theta,
                      RopeStyle style, const std::optional<Yarn> &yarn,
                      DType out);

/// Helpers of moe.rope, exposed for tests and tools.
///
/// YaRN's correction range (low, high) for rotary dim `d` and base `theta`
/// (floor/ceil when `yarn.truncate`, the HF default; clamped to [0, d - 1]).
struct YarnRange {
  double low;
  double high;
};
YarnRange yarnCorrectionRange(const Yarn &yarn, int64_t d, double theta);
/// YaRN's mscale(s, m): 1 if s <= 1, else 0.1·m·ln(s) + 1.
double yarnMscale(double scale, double m);
/// The factor multiplying cos and sin: 1 without YaRN; the explicit
/// attentionFactor when non-zero; else mscale(factor, mscale) /
/// mscale(factor, mscaleAllDim) when both are non-zero; else
/// mscale(factor, 1).
double ropeAttentionFactor(const std::optional<Yarn> &yarn);
/// The d/2 inverse frequencies in fp32, computed as HF computes them
/// (float32 exponent 2i/d, float32 pow, YaRN blend in float32).
std::vector<float> ropeInvFreq(int64_t d, double theta,
                               const std::optional<Yarn> &yarn);

/// moe.attention: q [T, H, dq], k [S, Hkv, dk], v [S, Hkv, dv], optional
/// `sharedKey` [S, dr] (MLA: every head's key is concat(k, sharedKey), so
/// dq = dk + dr); causal with query t at position S - T + t; eager softmax in
/// fp32. HF eager's cast order: Q·Kᵀ rounded to `out`, times scale rounded
/// again, probabilities rounded to `out` before P·V. Result [T, H, dv].
Expected<Tensor> attention(const Tensor &q, const Tensor &k, const Tensor &v,
                           const Tensor *sharedKey, double scale,
                           const Window &window, DType out);

/// moe.router: logits = x [T, H] · gate [E, H]ᵀ in fp32, scored, selected.
/// `weights` [T, topK] in `weightsOut`, `indices` [T, topK] I32 in
/// descending order of selection score. Every top-k (groups and experts)
/// breaks ties towards the LOWER index. A correction bias, when given, shifts
/// the selection scores of every selection kind (DeepSeek's Gate); weights
/// are always gathered from the unbiased scores, then divided by
/// (Σw + 1e-20) when normTopkProb, then multiplied by routedScalingFactor.
struct RouterResult {
  Tensor weights;
  Tensor indices;
};
Expected<RouterResult> router(const Tensor &x, const Tensor &gate,
                              const Tensor *correctionBias,
                              const RouterConfig &config, DType weightsOut);

/// moe.experts (dense semantics): y[t] = Σ_k weights[t, k] ·
/// down_e(silu(gate_e x) · up_e x) with e = indices[t, k]; gate/up [E, I, H],
/// down [E, H, I]; `scales` empty or three tensors (gate, up, down).
/// gate_e x, up_e x, the SwiGLU and down_e are each rounded to `out` (as
/// moe.linear / moe.swiglu round them) and Σ_k runs over k = 0 .. K-1 in
/// fp32, so dispatch + grouped_matmul + swiglu + combine with intermediates
/// of type `out` reproduce it bit for bit.
Expected<Tensor> experts(const Tensor &x, const Tensor &weights,
                         const Tensor &indices, const Tensor &gate,
                         const Tensor &up, const Tensor &down,
                         const std::vector<const Tensor *> &scales,
                         const std::optional<Quant> &quant, DType out);

/// moe.dispatch: the T·K (token, slot) pairs sorted stably by expert.
/// rows [T·K, H] (copies of x), permutation [T·K] I32 (flat index t·K + k of
/// each row), offsets [E + 1] I32 (rows of expert e are offsets[e] ..
/// offsets[e+1]).
struct DispatchResult {
  Tensor rows;
  Tensor permutation;
  Tensor offsets;
};
Expected<DispatchResult> dispatch(const Tensor &x, const Tensor &indices,
                                  int64_t numExperts, DType out);

/// moe.grouped_matmul: rows [R, K] of expert e times w [E, N, K]ᵀ of e.
Expected<Tensor> groupedMatmul(const Tensor &rows, const Tensor &weight,
                               const Tensor &offsets, const Tensor *scales,
                               const std::optional<Quant> &quant, DType out);

/// moe.grouped_matmul {swiglu}: w [E, 2·I, K] per expert gate rows then up
/// rows; result [R, I] as linearSwiGLU() combines them.
Expected<Tensor> groupedMatmulSwiGLU(const Tensor &rows, const Tensor &weight,
                                     const Tensor &offsets,
                                     const Tensor *scales,
                                     const std::optional<Quant> &quant,
                                     DType out);

/// moe.combine: y[t] = Σ_k weights[t, k] · rows[r] where permutation[r] =
/// t·K + k; result [T, H].
Expected<Tensor> combine(const Tensor &rows, const Tensor &permutation,
                         const Tensor &weights, DType out);

} // namespace ds::cpu

#endif // DS_CPU_OPS_H
