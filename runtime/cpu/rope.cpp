//===- rope.cpp - moe.rope (rotary embedding, YaRN) -----------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Follows Hugging Face `_compute_default_rope_parameters` /
// `_compute_yarn_parameters` and the rotary forward: inverse frequencies,
// angles, cos and sin in fp32; cos·attention_factor and sin·attention_factor
// cast to x's dtype; then `(x · cos) + (rotate(x) · sin)` with every product
// and the sum rounded to x's dtype (HF's `apply_rotary_pos_emb` in x's dtype).
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <algorithm>
#include <cmath>

namespace ds::cpu {

using namespace detail;

namespace {

constexpr double Pi = 3.14159265358979323846;

// HF find_correction_dim (python doubles).
double correctionDim(double rotations, int64_t d, double theta, int64_t l0) {
  return (static_cast<double>(d) *
          std::log(static_cast<double>(l0) / (rotations * 2.0 * Pi))) /
         (2.0 * std::log(theta));
}

} // namespace

YarnRange yarnCorrectionRange(const Yarn &yarn, int64_t d, double theta) {
  int64_t l0 = yarn.originalMaxPositionEmbeddings;
  double low = correctionDim(yarn.betaFast, d, theta, l0);
  double high = correctionDim(yarn.betaSlow, d, theta, l0);
  if (yarn.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  return {std::max(low, 0.0), std::min(high, static_cast<double>(d - 1))};
}

double yarnMscale(double scale, double m) {
  return Yarn::computeMscale(scale, m);
}

double ropeAttentionFactor(const std::optional<Yarn> &yarn) {
  return yarn ? yarn->effectiveAttentionFactor() : 1.0;
}

std::vector<float> ropeInvFreq(int64_t d, double theta,
                               const std::optional<Yarn> &yarn) {
  int64_t half = d / 2;
  std::vector<float> inv(static_cast<size_t>(half));
  const float base = static_cast<float>(theta);
  YarnRange range{0.0, 0.0};
  if (yarn) {
    range = yarnCorrectionRange(*yarn, d, theta);
    if (range.low == range.high)
      range.high += 0.001; // HF linear_ramp_factor avoids a division by 0.
  }
  const float low = static_cast<float>(range.low);
  const float span = static_cast<float>(range.high - range.low);
  for (int64_t i = 0; i < half; ++i) {
    float exponent = static_cast<float>(2 * i) / static_cast<float>(d);
    float posFreq = std::pow(base, exponent);
    float extrapolation = 1.0f / posFreq;
    if (!yarn) {
      inv[static_cast<size_t>(i)] = extrapolation;
      continue;
    }
    float interpolation = 1.0f / (static_cast<float>(yarn->factor) * posFreq);
    float ramp = std::clamp((static_cast<float>(i) - low) / span, 0.0f, 1.0f);
    float extrapolationFactor = 1.0f - ramp;
    inv[static_cast<size_t>(i)] = interpolation * (1.0f - extrapolationFactor) +
                                  extrapolation * extrapolationFactor;
  }
  return inv;
}

Expected<Tensor> rope(const Tensor &x, const Tensor &positions, double theta,
                      RopeStyle style, const std::optional<Yarn> &yarn,
                      DType out) {
  const char *op = "moe.rope";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "input", x, 3); !s.ok())
    return s;
  if (Status s = checkInt(op, "positions", positions, 1); !s.ok())
    return s;
  int64_t t = x.dim(0), heads = x.dim(1), d = x.dim(2);
  if (d % 2 != 0)
    return operandError(
        op, "input", cat("must have an even last dim, got ", x.typeString()));
  if (positions.dim(0) != t)
    return operandError(op, "positions",
                        cat("must have shape [", t, "] for input ",
                            x.typeString(), ", got ", positions.typeString()));
  if (Status st = validateRopeTheta(theta); !st.ok())
    return st.withContext(op);
  if (yarn)
    if (Status st = yarn->validate(); !st.ok())
      return st.withContext(op);
  DType xType = checkOutType(op, x.dtype()).ok() ? x.dtype() : DType::F32;
  int64_t half = d / 2;
  std::vector<float> inv = ropeInvFreq(d, theta, yarn);
  const float factor = static_cast<float>(ropeAttentionFactor(yarn));
  std::vector<float> y(static_cast<size_t>(x.numel()));
  std::vector<float> cosV(static_cast<size_t>(half)),
      sinV(static_cast<size_t>(half));
  for (int64_t ti = 0; ti < t; ++ti) {
    float pos = static_cast<float>(intAt(positions, ti));
    for (int64_t i = 0; i < half; ++i) {
      float angle = pos * inv[static_cast<size_t>(i)];
      cosV[static_cast<size_t>(i)] = roundTo(xType, std::cos(angle) * factor);
      sinV[static_cast<size_t>(i)] = roundTo(xType, std::sin(angle) * factor);
    }
    for (int64_t h = 0; h < heads; ++h) {
      size_t base = static_cast<size_t>((ti * heads + h) * d);
      const float *xr = x.f().data() + base;
      float *yr = y.data() + base;
      for (int64_t i = 0; i < half; ++i) {
        float c = cosV[static_cast<size_t>(i)];
        float s = sinV[static_cast<size_t>(i)];
        // (a, b) is the rotated pair; y_a = a·c − b·s, y_b = b·c + a·s.
        int64_t ia = style == RopeStyle::HalfSplit ? i : 2 * i;
        int64_t ib = style == RopeStyle::HalfSplit ? i + half : 2 * i + 1;
        float a = xr[ia], b = xr[ib];
        float ya =
            roundTo(xType, roundTo(xType, a * c) + roundTo(xType, -b * s));
        float yb =
            roundTo(xType, roundTo(xType, b * c) + roundTo(xType, a * s));
        yr[ia] = roundTo(out, ya);
        yr[ib] = roundTo(out, yb);
      }
    }
  }
  return Tensor::floats(out, x.shape(), std::move(y));
}

} // namespace ds::cpu
