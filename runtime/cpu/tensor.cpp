//===- tensor.cpp - Tensors of the CPU reference --------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/tensor.h"

#include "detail.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

namespace ds::cpu {

bool isComputeFloat(DType type) {
  switch (type) {
  case DType::F32:
  case DType::F64:
  case DType::BF16:
  case DType::F16:
  case DType::F8E4M3:
  case DType::F8E5M2:
    return true;
  default:
    return false;
  }
}

namespace {

bool isSupportedInt(DType type) {
  switch (type) {
  case DType::U8:
  case DType::I8:
  case DType::I16:
  case DType::U16:
  case DType::I32:
  case DType::U32:
  case DType::I64:
  case DType::U64:
  case DType::I4:
    return true;
  default:
    return false;
  }
}

// Rounds a finite float to a binary format with `mantissaBits` fraction bits
// and minimum normal exponent `minExp` (subnormals below it), ties to even.
// Scaling by a power of two is exact, so only std::nearbyint rounds.
float roundBinary(float value, int mantissaBits, int minExp) {
  if (value == 0.0f || !std::isfinite(value))
    return value;
  int exp = std::ilogb(value);
  if (exp < minExp)
    exp = minExp;
  float quantum = std::ldexp(1.0f, exp - mantissaBits);
  return std::nearbyint(value / quantum) * quantum;
}

// F8_E5M2: IEEE style (5 exponent bits, bias 15, 2 mantissa bits); beyond
// the largest finite value 57344 rounding goes to infinity.
float roundE5m2(float value) {
  float rounded = roundBinary(value, 2, -14);
  if (std::fabs(rounded) > 57344.0f)
    return std::copysign(std::numeric_limits<float>::infinity(), rounded);
  return rounded;
}

// Wraps `value` into the range of integer `type` (two's complement for the
// signed types, modulo 2^bits for the unsigned ones), as a C cast would.
int64_t wrapInt(DType type, int64_t value) {
  size_t bits = dtypeBits(type);
  if (bits >= 64)
    return value;
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t low = static_cast<uint64_t>(value) & mask;
  bool isUnsigned = type == DType::U8 || type == DType::U16 ||
                    type == DType::U32 || type == DType::U64;
  if (isUnsigned || !(low >> (bits - 1)))
    return static_cast<int64_t>(low);
  return -static_cast<int64_t>((~low & mask) + 1);
}

// float -> int64 truncating toward zero, saturating (NaN gives 0).
int64_t floatToInt(float value) {
  if (value != value)
    return 0;
  if (value >= 0x1p63f)
    return std::numeric_limits<int64_t>::max();
  if (value < -0x1p63f)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

uint64_t loadLe(const unsigned char *p, size_t bytes) {
  uint64_t value = 0;
  for (size_t b = 0; b < bytes; ++b)
    value |= static_cast<uint64_t>(p[b]) << (8 * b);
  return value;
}

void storeLe(uint8_t *p, uint64_t value, size_t bytes) {
  for (size_t b = 0; b < bytes; ++b)
    p[b] = static_cast<uint8_t>(value >> (8 * b));
}

} // namespace

//===----------------------------------------------------------------------===//
// Free functions
//===----------------------------------------------------------------------===//

std::string shapeToString(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text +=
        shape[i] == kDynamicDim ? std::string("?") : std::to_string(shape[i]);
  }
  return text + "]";
}

int64_t numElements(const Shape &shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  return count;
}

float roundTo(DType type, float value) {
  switch (type) {
  case DType::BF16:
    return bf16ToFloat(floatToBf16(value));
  case DType::F16:
    return f16ToFloat(floatToF16(value));
  case DType::F8E4M3:
    return e4m3ToFloat(floatToE4m3(value));
  case DType::F8E5M2:
    return roundE5m2(value);
  case DType::F32:
  case DType::F64: // Held as float: nothing finer to keep.
    return value;
  default:
    assert(false && "roundTo: not a float compute type");
    return value;
  }
}

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

Tensor::Tensor() = default;

Tensor Tensor::floats(DType type, Shape shape, std::vector<float> values) {
  assert(isComputeFloat(type) && "Tensor::floats: not a float dtype");
  assert(static_cast<int64_t>(values.size()) == numElements(shape) &&
         "Tensor::floats: value count does not match the shape");
  Tensor t;
  t.Type = isComputeFloat(type) ? type : DType::F32;
  t.Dims = std::move(shape);
  t.Floats = std::move(values);
  // Never hold fewer (or more) values than the shape says.
  t.Floats.resize(static_cast<size_t>(numElements(t.Dims)), 0.0f);
  t.roundInPlace();
  return t;
}

Tensor Tensor::zeros(DType type, Shape shape) {
  std::vector<float> values(static_cast<size_t>(numElements(shape)), 0.0f);
  return floats(type, std::move(shape), std::move(values));
}

Tensor Tensor::ints(DType type, Shape shape, std::vector<int64_t> values) {
  assert(isSupportedInt(type) && "Tensor::ints: not an integer dtype");
  assert(static_cast<int64_t>(values.size()) == numElements(shape) &&
         "Tensor::ints: value count does not match the shape");
  Tensor t;
  t.Type = isSupportedInt(type) ? type : DType::I64;
  t.Dims = std::move(shape);
  t.Ints = std::move(values);
  t.Ints.resize(static_cast<size_t>(numElements(t.Dims)), 0);
  for (int64_t &v : t.Ints)
    v = wrapInt(t.Type, v);
  return t;
}

Expected<Tensor> Tensor::decode(DType type, Shape shape, const void *data,
                                size_t numBytes) {
  std::string what = cat("tensor ", dtypeName(type), shapeToString(shape));
  for (int64_t d : shape)
    if (d < 0)
      return Status::error(cat(what, ": negative dimension ", d));
  if (!isComputeFloat(type) && !isSupportedInt(type))
    return Status::error(
        cat(what, ": unsupported dtype ", dtypeName(type),
            " (the CPU reference holds F32, F64, BF16, F16, F8_E4M3, F8_E5M2 "
            "and the integer types)"));
  // Overflow-checked element count.
  uint64_t count = 1;
  for (int64_t d : shape) {
    if (d != 0 &&
        count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
      return Status::error(cat(what, ": element count overflows"));
    count *= static_cast<uint64_t>(d);
  }
  std::optional<uint64_t> expected = byteSize(type, count);
  if (!expected || *expected != numBytes)
    return Status::error(cat(what, ": expected ",
                             expected ? std::to_string(*expected) : "too many",
                             " bytes, got ", numBytes));
  if (count > 0 && data == nullptr)
    return Status::error(cat(what, ": no data"));
  const auto *bytes = static_cast<const unsigned char *>(data);
  Tensor t;
  t.Type = type;
  t.Dims = std::move(shape);
  if (isComputeFloat(type)) {
    t.Floats.resize(count);
    if (count > 0 && !decodeToFloat(type, bytes, t.Floats.data(), count))
      return Status::error(cat(what, ": cannot decode"));
    return t;
  }
  t.Ints.resize(count);
  if (type == DType::I4) {
    for (uint64_t i = 0; i < count; ++i) {
      unsigned nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0xFu;
      t.Ints[i] = nibble >= 8 ? static_cast<int64_t>(nibble) - 16 : nibble;
    }
    return t;
  }
  size_t width = dtypeBits(type) / 8;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t raw = loadLe(bytes + i * width, width);
    if (type == DType::U64 &&
        raw > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return Status::error(
          cat(what, ": element ", i, " = ", raw, " does not fit in int64"));
    t.Ints[i] = wrapInt(type, static_cast<int64_t>(raw));
  }
  return t;
}

std::vector<uint8_t> Tensor::encode() const {
  std::vector<uint8_t> bytes(encodedBytes());
  encodeTo(bytes.data());
  return bytes;
}

size_t Tensor::encodedBytes() const {
  return static_cast<size_t>(
      byteSize(Type, static_cast<uint64_t>(numel())).value_or(0));
}

void Tensor::encodeTo(uint8_t *bytes) const {
  size_t count = static_cast<size_t>(numel());
  if (Type == DType::I4) {
    std::memset(bytes, 0, encodedBytes());
    for (size_t i = 0; i < count; ++i)
      bytes[i / 2] |= static_cast<uint8_t>(
          (static_cast<uint64_t>(Ints[i]) & 0xFu) << (4 * (i % 2)));
    return;
  }
  size_t width = dtypeBits(Type) / 8;
  if (!isFloat()) {
    for (size_t i = 0; i < count; ++i)
      storeLe(bytes + i * width, static_cast<uint64_t>(Ints[i]), width);
    return;
  }
  // One loop per dtype (the switch outside the loop).
  const float *f = Floats.data();
  switch (Type) {
  case DType::BF16:
    for (size_t i = 0; i < count; ++i)
      storeLe(bytes + 2 * i, floatToBf16(f[i]), 2);
    break;
  case DType::F16:
    for (size_t i = 0; i < count; ++i)
      storeLe(bytes + 2 * i, floatToF16(f[i]), 2);
    break;
  case DType::F8E4M3:
    for (size_t i = 0; i < count; ++i)
      bytes[i] = floatToE4m3(f[i]);
    break;
  case DType::F8E5M2:
    // Exactly representable in E5M2, so the binary16 encoding is exact and
    // its upper byte is the E5M2 byte.
    for (size_t i = 0; i < count; ++i)
      bytes[i] = static_cast<uint8_t>(floatToF16(f[i]) >> 8);
    break;
  case DType::F32:
    for (size_t i = 0; i < count; ++i) {
      uint32_t bits;
      std::memcpy(&bits, &f[i], sizeof(bits));
      storeLe(bytes + 4 * i, bits, 4);
    }
    break;
  case DType::F64:
    for (size_t i = 0; i < count; ++i) {
      double d = f[i];
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      storeLe(bytes + 8 * i, bits, 8);
    }
    break;
  default:
    std::memset(bytes, 0, count * width);
    break;
  }
}

int64_t Tensor::dim(int64_t i) const {
  int64_t r = rank();
  if (i < 0)
    i += r;
  assert(i >= 0 && i < r && "Tensor::dim: index out of range");
  if (i < 0 || i >= r)
    return 0;
  return Dims[static_cast<size_t>(i)];
}

void Tensor::roundInPlace() {
  if (Type == DType::F32 || Type == DType::F64)
    return;
  for (float &v : Floats)
    v = roundTo(Type, v);
}

Expected<Tensor> Tensor::reshaped(Shape shape) const {
  for (int64_t d : shape)
    if (d < 0)
      return Status::error(cat("reshape ", typeString(), " to ",
                               shapeToString(shape), ": negative dimension"));
  if (numElements(shape) != numel())
    return Status::error(cat("reshape ", typeString(), " to ",
                             shapeToString(shape), ": element counts differ (",
                             numel(), " vs ", numElements(shape), ")"));
  Tensor t = *this;
  t.Dims = std::move(shape);
  return t;
}

Tensor Tensor::castTo(DType type) const {
  Tensor t;
  t.Dims = Dims;
  if (isComputeFloat(type)) {
    t.Type = type;
    if (isFloat()) {
      t.Floats = Floats;
    } else {
      t.Floats.reserve(Ints.size());
      for (int64_t v : Ints)
        t.Floats.push_back(static_cast<float>(v));
    }
    t.roundInPlace();
    return t;
  }
  assert(isSupportedInt(type) && "Tensor::castTo: unsupported dtype");
  t.Type = isSupportedInt(type) ? type : DType::I64;
  if (isFloat()) {
    t.Ints.reserve(Floats.size());
    for (float v : Floats)
      t.Ints.push_back(wrapInt(t.Type, floatToInt(v)));
  } else {
    t.Ints.reserve(Ints.size());
    for (int64_t v : Ints)
      t.Ints.push_back(wrapInt(t.Type, v));
  }
  return t;
}

std::string Tensor::typeString() const {
  return std::string(dtypeName(Type)) + shapeToString(Dims);
}

} // namespace ds::cpu
