//===- attention.cpp - moe.attention --------------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Hugging Face eager attention, with its cast order: Q·Kᵀ accumulated in fp32
// and rounded to the result dtype, scaled and rounded again, masked (causal
// plus #moe.window), softmax in fp32, probabilities rounded to the result
// dtype, P·V accumulated in fp32 and rounded.
//
//===----------------------------------------------------------------------===//

#include "detail.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace ds::cpu {

using namespace detail;

namespace {

// Whether key position `k` is visible to query position `q` (k <= q given)
// under a resolved window (Window::resolve: never adaptive).
bool windowAdmits(const Window &window, int64_t q, int64_t k) {
  switch (window.kind) {
  case WindowKind::Global:
    return true;
  case WindowKind::Sliding:
    return q - window.size < k;
  case WindowKind::Chunked:
    return k / window.size == q / window.size;
  case WindowKind::LocalGlobal:
    return q - window.size < k || k < window.sinks;
  case WindowKind::Adaptive:
    assert(false && "the caller resolves an adaptive window");
    return true;
  }
  return true;
}

// The rules are Window::validate()'s; the runtime words the size rule as it
// always has.
Status checkWindow(const char *op, const Window &window) {
  Window::Rule rule;
  if (Status s = window.validate(&rule); !s.ok()) {
    if (rule == Window::Rule::Size)
      return Status::error(cat(op, ": ", windowKindName(window.kind),
                               " window size must be at least 1, got ",
                               window.size));
    return s.withContext(op);
  }
  return Status::success();
}

} // namespace

Expected<Tensor> attention(const Tensor &q, const Tensor &k, const Tensor &v,
                           const Tensor *sharedKey, double scale,
                           const Window &window, DType out) {
  const char *op = "moe.attention";
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "query", q, 3); !s.ok())
    return s;
  if (Status s = checkFloat(op, "key", k, 3); !s.ok())
    return s;
  if (Status s = checkFloat(op, "value", v, 3); !s.ok())
    return s;
  if (Status s = checkWindow(op, window); !s.ok())
    return s;
  int64_t t = q.dim(0), nh = q.dim(1), dq = q.dim(2);
  int64_t s = k.dim(0), nkv = k.dim(1), dk = k.dim(2);
  int64_t dv = v.dim(2);
  if (v.dim(0) != s || v.dim(1) != nkv)
    return operandError(op, "value",
                        cat("must have shape [", s, ", ", nkv,
                            ", dv] like the key ", k.typeString(), ", got ",
                            v.typeString()));
  if (nkv < 1 || nh % nkv != 0)
    return operandError(op, "key",
                        cat("has ", nkv, " heads, which must divide the ", nh,
                            " query heads of ", q.typeString()));
  if (t > s)
    return operandError(op, "query",
                        cat("has ", t, " tokens, more than the ", s,
                            " keys of ", k.typeString()));
  int64_t dr = 0;
  if (sharedKey) {
    if (Status st = checkFloat(op, "shared_key", *sharedKey, 2); !st.ok())
      return st;
    if (sharedKey->dim(0) != s)
      return operandError(op, "shared_key",
                          cat("must have ", s, " rows like the key, got ",
                              sharedKey->typeString()));
    dr = sharedKey->dim(1);
  }
  if (dq != dk + dr)
    return operandError(op, "query",
                        cat("head dim must be ", dk + dr, " (key ", dk,
                            sharedKey ? cat(" + shared key ", dr) : "",
                            "), got ", q.typeString()));
  int64_t g = nh / nkv;
  // An adaptive window is global or sliding by the number of keys.
  const Window resolved = window.resolve(s);
  const float scaleF = static_cast<float>(scale);
  const float *qd = q.f().data();
  const float *kd = k.f().data();
  const float *vd = v.f().data();
  const float *sd = sharedKey ? sharedKey->f().data() : nullptr;
  std::vector<float> y(static_cast<size_t>(t * nh * dv), 0.0f);
  // One (token, head) per item; each item owns its output row.
  parallelFor(t * nh, s * (dq + dv), [&](int64_t begin, int64_t end) {
    std::vector<float> scores(static_cast<size_t>(s));
    std::vector<char> visible(static_cast<size_t>(s));
    std::vector<float> acc(static_cast<size_t>(dv));
    for (int64_t item = begin; item < end; ++item) {
      int64_t ti = item / nh, h = item % nh, j = h / g;
      int64_t qPos = s - t + ti;
      const float *qr = qd + (ti * nh + h) * dq;
      float maxScore = -std::numeric_limits<float>::infinity();
      bool any = false;
      for (int64_t si = 0; si < s; ++si) {
        visible[static_cast<size_t>(si)] =
            si <= qPos && windowAdmits(resolved, qPos, si);
        if (!visible[static_cast<size_t>(si)])
          continue;
        const float *kr = kd + (si * nkv + j) * dk;
        float dot = 0.0f;
        for (int64_t c = 0; c < dk; ++c)
          dot += qr[c] * kr[c];
        for (int64_t c = 0; c < dr; ++c)
          dot += qr[dk + c] * sd[si * dr + c];
        float score = roundTo(out, roundTo(out, dot) * scaleF);
        scores[static_cast<size_t>(si)] = score;
        if (!any || score > maxScore)
          maxScore = score;
        any = true;
      }
      float *yr = y.data() + (ti * nh + h) * dv;
      if (!any)
        continue; // Nothing visible (cannot happen causally): zeros.
      float sum = 0.0f;
      for (int64_t si = 0; si < s; ++si) {
        if (!visible[static_cast<size_t>(si)])
          continue;
        float e = std::exp(scores[static_cast<size_t>(si)] - maxScore);
        scores[static_cast<size_t>(si)] = e;
        sum += e;
      }
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (int64_t si = 0; si < s; ++si) {
        if (!visible[static_cast<size_t>(si)])
          continue;
        float p = roundTo(out, scores[static_cast<size_t>(si)] / sum);
        const float *vr = vd + (si * nkv + j) * dv;
        for (int64_t c = 0; c < dv; ++c)
          acc[static_cast<size_t>(c)] += p * vr[c];
      }
      for (int64_t c = 0; c < dv; ++c)
        yr[c] = roundTo(out, acc[static_cast<size_t>(c)]);
    }
  });
  return Tensor::floats(out, {t, nh, dv}, std::move(y));
}

} // namespace ds::cpu
