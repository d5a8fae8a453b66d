//===- ds/limits.h - size ceilings and checked arithmetic -------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Every size ds computes from input (a config field, a tensor type in IR, a
// checkpoint shape, a run-time index) is checked against these ceilings with
// the overflow-checked helpers below before it is used, so that no input can
// wrap an int64, allocate absurd amounts of memory or build absurd types.
// The importer, the `moe` verifiers, the interpreter and the runtime loaders
// share this one definition.
//
// The ceilings are far above every published model (DeepSeek-V3's largest
// tensor, a stacked expert weight, has 256 x 2048 x 7168 = 3.8e9 elements;
// its largest dim is the 163 840 positions) and far below where int64 byte
// counts could overflow.
//
//===----------------------------------------------------------------------===//

#ifndef DS_LIMITS_H
#define DS_LIMITS_H

#include <cstdint>
#include <initializer_list>
#include <optional>

namespace ds {

/// The largest size of one tensor dimension: 2^24 (16 777 216).
inline constexpr int64_t kMaxDimSize = int64_t(1) << 24;

/// The largest element count of one tensor: 2^40 (about 1.1e12), so that its
/// size in bytes at 8 bytes per element stays below 2^43.
inline constexpr int64_t kMaxTensorElements = int64_t(1) << 40;

/// The largest tensor rank.
inline constexpr int64_t kMaxRank = 8;

/// `a * b`, or nullopt when it overflows int64.
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// `a + b`, or nullopt when it overflows int64.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// The product of non-negative `dims`, or nullopt when one is negative or the
/// product exceeds `limit`.
template <typename Range>
std::optional<int64_t> checkedProduct(const Range &dims,
                                      int64_t limit = kMaxTensorElements) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0)
      return std::nullopt;
    std::optional<int64_t> next = checkedMul(n, d);
    if (!next || *next > limit)
      return std::nullopt;
    n = *next;
  }
  return n;
}

inline std::optional<int64_t>
checkedProduct(std::initializer_list<int64_t> dims,
               int64_t limit = kMaxTensorElements) {
  return checkedProduct<std::initializer_list<int64_t>>(dims, limit);
}

} // namespace ds

#endif // DS_LIMITS_H
