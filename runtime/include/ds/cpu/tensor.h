//===- ds/cpu/tensor.h - tensors of the CPU reference ----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The value type of the CPU reference backend (design.md §7, §8). A tensor is
// dense and row-major. Floating-point elements are held as `float` values that
// are exactly representable in the tensor's dtype: every operation rounds its
// result to its result dtype (round to nearest even), which is what a model
// running in that dtype does. Integer elements are held as int64.
//
// Clarity over speed: this is the ground truth every kernel is checked
// against, not a fast path.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CPU_TENSOR_H
#define DS_CPU_TENSOR_H

#include "ds/dtype.h"
#include "ds/status.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ds {

/// A dim of a shape that takes any size (the token dim of an entry's inputs).
/// The same value as MLIR's ShapedType::kDynamic, so shapes convert as they
/// are; the dialect asserts that they agree.
inline constexpr int64_t kDynamicDim = std::numeric_limits<int64_t>::min();

} // namespace ds

namespace ds::cpu {

using Shape = std::vector<int64_t>;

/// "[2, 3, 4]"; a kDynamicDim dim prints as "?" ("[?, 4]"). The one shape
/// printer of ds: the runtime's messages and the moe verifiers' use it.
std::string shapeToString(const std::vector<int64_t> &shape);

/// Product of the dims (1 for rank 0). Dims must be non-negative.
int64_t numElements(const Shape &shape);

/// Whether the reference computes in float type `type` (F32, F64, BF16, F16,
/// F8_E4M3, F8_E5M2): the dtypes of float tensors and of op results.
bool isComputeFloat(DType type);

/// `value` rounded to the nearest value of float type `type` (ties to even;
/// F8_E4M3 saturates at ±448). Identity for F32. `type` must be a float type
/// the reference computes in: F32, BF16, F16, F8_E4M3, F8_E5M2.
float roundTo(DType type, float value);

class Tensor {
public:
  /// An empty F32 tensor of shape [0].
  Tensor();

  /// A float tensor; `values` (numElements(shape) of them) are rounded to
  /// `type`, which must be a float dtype.
  static Tensor floats(DType type, Shape shape, std::vector<float> values);
  /// A float tensor of zeros.
  static Tensor zeros(DType type, Shape shape);
  /// An integer tensor (I32, I64, ...); `values` must fit `type`.
  static Tensor ints(DType type, Shape shape, std::vector<int64_t> values);

  /// Decodes `numBytes` little-endian bytes of `type` (a safetensors tensor's
  /// data; any alignment). Fails when the size does not match the shape or
  /// the dtype is unsupported (BOOL, F8_E8M0, U64 beyond int64).
  static Expected<Tensor> decode(DType type, Shape shape, const void *data,
                                 size_t numBytes);
  /// The little-endian bytes of this tensor in its dtype.
  std::vector<uint8_t> encode() const;
  /// The size of encode() in bytes.
  size_t encodedBytes() const;
  /// Writes encode()'s bytes to `bytes` (encodedBytes() of them).
  void encodeTo(uint8_t *bytes) const;

  DType dtype() const { return Type; }
  const Shape &shape() const { return Dims; }
  int64_t rank() const { return static_cast<int64_t>(Dims.size()); }
  /// Size of dim `i`; negative `i` counts from the end.
  int64_t dim(int64_t i) const;
  int64_t numel() const { return numElements(Dims); }
  bool isFloat() const { return isFloatDType(Type); }

  /// Float elements (empty for integer tensors).
  const std::vector<float> &f() const { return Floats; }
  /// Mutable float elements; a caller that writes them must keep them
  /// representable in dtype() (see roundInPlace()).
  std::vector<float> &f() { return Floats; }
  /// Integer elements (empty for float tensors).
  const std::vector<int64_t> &i() const { return Ints; }
  std::vector<int64_t> &i() { return Ints; }

  /// Rounds every float element to dtype().
  void roundInPlace();
  /// The same elements under another shape of the same element count.
  Expected<Tensor> reshaped(Shape shape) const;
  /// The float elements converted to `type` (rounded); integer tensors
  /// convert their values to `type` when it is an integer type.
  Tensor castTo(DType type) const;

  /// "BF16[2, 3]".
  std::string typeString() const;

private:
  DType Type = DType::F32;
  Shape Dims{0};
  std::vector<float> Floats;
  std::vector<int64_t> Ints;
};

} // namespace ds::cpu

#endif // DS_CPU_TENSOR_H
