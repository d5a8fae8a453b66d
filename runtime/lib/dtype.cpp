//===- dtype.cpp - Tensor element types -----------------------------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//

#include "ds/dtype.h"

#include <cfloat>
#include <cstring>
#include <limits>

namespace ds {

namespace {

struct DTypeInfo {
  DType type;
  const char *name;
  uint8_t bits;
};

// Indexed by the enum value.
constexpr DTypeInfo DTypeTable[] = {
    {DType::Bool, "BOOL", 8},      {DType::U8, "U8", 8},
    {DType::I8, "I8", 8},          {DType::F8E5M2, "F8_E5M2", 8},
    {DType::F8E4M3, "F8_E4M3", 8}, {DType::F8E8M0, "F8_E8M0", 8},
    {DType::I16, "I16", 16},       {DType::U16, "U16", 16},
    {DType::F16, "F16", 16},       {DType::BF16, "BF16", 16},
    {DType::I32, "I32", 32},       {DType::U32, "U32", 32},
    {DType::F32, "F32", 32},       {DType::F64, "F64", 64},
    {DType::I64, "I64", 64},       {DType::U64, "U64", 64},
    {DType::I4, "I4", 4},
};

constexpr size_t NumDTypes = sizeof(DTypeTable) / sizeof(DTypeTable[0]);
static_assert(NumDTypes == sizeof(AllDTypes) / sizeof(AllDTypes[0]),
              "DTypeTable and AllDTypes must list the same types");

constexpr bool tableMatchesEnum() {
  for (size_t i = 0; i < NumDTypes; ++i)
    if (static_cast<size_t>(DTypeTable[i].type) != i ||
        AllDTypes[i] != DTypeTable[i].type)
      return false;
  return true;
}
static_assert(tableMatchesEnum(), "DTypeTable must be in enum order");

const DTypeInfo &info(DType type) {
  auto index = static_cast<size_t>(type);
  // An out-of-range value can only come from a bad cast; map it to a valid
  // entry rather than reading out of bounds.
  return DTypeTable[index < NumDTypes ? index : 0];
}

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

double bitsToDouble(uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

// Little-endian loads from unaligned bytes, independent of host byte order.
uint16_t load16(const unsigned char *p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

uint32_t load32(const unsigned char *p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

uint64_t load64(const unsigned char *p) {
  return static_cast<uint64_t>(load32(p)) |
         (static_cast<uint64_t>(load32(p + 4)) << 32);
}

// Two's-complement reinterpretation without implementation-defined casts.
int64_t signExtend(uint64_t value, unsigned bits) {
  uint64_t signBit = uint64_t(1) << (bits - 1);
  uint64_t mask = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
  value &= mask;
  if (!(value & signBit))
    return static_cast<int64_t>(value);
  // value - 2^bits, computed as -(2^bits - value) to stay in range.
  uint64_t magnitude = (~value & mask) + 1; // in [1, 2^(bits-1)]
  if (magnitude == signBit && bits == 64)
    return std::numeric_limits<int64_t>::min();
  return -static_cast<int64_t>(magnitude);
}

// Rounds `value >> shift` to nearest, ties to even (shift in [1, 63]).
uint64_t shiftRightRne(uint64_t value, unsigned shift) {
  uint64_t result = value >> shift;
  uint64_t rem = value & ((uint64_t(1) << shift) - 1);
  uint64_t half = uint64_t(1) << (shift - 1);
  if (rem > half || (rem == half && (result & 1)))
    ++result;
  return result;
}

// Rounds a double to the nearest float without the undefined behaviour of
// converting an out-of-range value.
float doubleToFloat(double value) {
  if (value != value)
    return std::numeric_limits<float>::quiet_NaN();
  // Halfway between FLT_MAX and 2^128: ties go to the even neighbour, which is
  // 2^128 (infinity) since FLT_MAX has an odd mantissa.
  constexpr double overflowThreshold =
      static_cast<double>(FLT_MAX) + 0x1p103; // exact in double
  if (value >= overflowThreshold)
    return std::numeric_limits<float>::infinity();
  if (value <= -overflowThreshold)
    return -std::numeric_limits<float>::infinity();
  if (value > static_cast<double>(FLT_MAX))
    return FLT_MAX;
  if (value < -static_cast<double>(FLT_MAX))
    return -FLT_MAX;
  return static_cast<float>(value);
}

} // namespace

//===----------------------------------------------------------------------===//
// Names and sizes
//===----------------------------------------------------------------------===//

std::optional<DType> parseDType(std::string_view safetensorsName) {
  for (const DTypeInfo &entry : DTypeTable)
    if (safetensorsName == entry.name)
      return entry.type;
  return std::nullopt;
}

const char *dtypeName(DType type) { return info(type).name; }

bool isSafetensorsDType(DType type) { return type != DType::I4; }

bool isFloatDType(DType type) {
  switch (type) {
  case DType::F8E5M2:
  case DType::F8E4M3:
  case DType::F8E8M0:
  case DType::F16:
  case DType::BF16:
  case DType::F32:
  case DType::F64:
    return true;
  default:
    return false;
  }
}

bool isIntegerDType(DType type) {
  return type != DType::Bool && !isFloatDType(type);
}

bool isIndexDType(DType type) {
  return isIntegerDType(type) && type != DType::U64 && type != DType::I4;
}

size_t dtypeBits(DType type) { return info(type).bits; }

std::optional<uint64_t> byteSize(DType type, uint64_t numElements) {
  size_t bits = dtypeBits(type);
  if (bits == 4)
    return numElements / 2 + numElements % 2;
  uint64_t bytesPerElement = bits / 8;
  if (numElements > std::numeric_limits<uint64_t>::max() / bytesPerElement)
    return std::nullopt;
  return numElements * bytesPerElement;
}

//===----------------------------------------------------------------------===//
// Scalar conversions
//===----------------------------------------------------------------------===//

float bf16ToFloat(uint16_t bits) {
  return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t floatToBf16(float value) {
  uint32_t bits = floatBits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep sign/payload, quiet it.
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  // Round to nearest even on the 16 dropped bits. Cannot overflow 32 bits:
  // the largest non-NaN input is 0xFF800000 (-inf).
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

float f16ToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0x1F) // Infinity or NaN (payload kept).
    return bitsToFloat(sign | 0x7F800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0)
      return bitsToFloat(sign);
    // Subnormal: mantissa * 2^-24, exact in float.
    float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  return bitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

uint16_t floatToF16(float value) {
  uint32_t bits = floatBits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) {
    if (magnitude == 0x7F800000u)
      return sign | 0x7C00u;
    // NaN: quiet bit plus the upper payload bits.
    return static_cast<uint16_t>(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));
  }
  int exponent = static_cast<int>(magnitude >> 23) - 127 + 15;
  uint32_t mantissa = magnitude & 0x7FFFFFu;
  if (exponent >= 31)
    return sign | 0x7C00u;
  if (exponent <= 0) {
    // Subnormal (or zero) result: units of 2^-24. The float value is
    // (2^23 + mantissa) * 2^(exponent - 15 - 23), i.e. (2^23 + mantissa) >>
    // (14 - exponent) units.
    unsigned shift = static_cast<unsigned>(14 - exponent);
    if (shift > 24) // Below 2^-25: rounds to zero.
      return sign;
    uint64_t units = shiftRightRne(mantissa | 0x800000u, shift);
    // units == 0x400 is correctly the smallest normal.
    return static_cast<uint16_t>(sign | units);
  }
  // Normal: a carry out of the mantissa correctly bumps the exponent, and
  // from the largest exponent gives exactly infinity (0x7C00).
  uint64_t rounded =
      shiftRightRne((static_cast<uint64_t>(exponent) << 23) | mantissa, 13);
  return static_cast<uint16_t>(sign | rounded);
}

float e4m3ToFloat(uint8_t bits) {
  bool negative = bits & 0x80u;
  uint32_t exponent = (bits >> 3) & 0xFu;
  uint32_t mantissa = bits & 0x7u;
  float magnitude;
  if (exponent == 0xF && mantissa == 0x7)
    magnitude = std::numeric_limits<float>::quiet_NaN();
  else if (exponent == 0) // Subnormal: m/8 * 2^-6 = m * 2^-9, exact.
    magnitude = static_cast<float>(mantissa) * 0x1p-9f;
  else // (1 + m/8) * 2^(e-7)
    magnitude = bitsToFloat(((exponent - 7 + 127) << 23) | (mantissa << 20));
  return negative ? -magnitude : magnitude;
}

uint8_t floatToE4m3(float value) {
  uint32_t bits = floatBits(value);
  uint8_t sign = static_cast<uint8_t>((bits >> 24) & 0x80u);
  uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u)
    return 0x7F;
  // Saturate at 448 = 0x43E00000 (infinity included). Everything below
  // rounds to at most 448, so no rounding step can produce the NaN code.
  if (magnitude >= 0x43E00000u)
    return sign | 0x7Eu;
  int exponent = static_cast<int>(magnitude >> 23) - 127; // unbiased
  uint32_t mantissa = magnitude & 0x7FFFFFu;
  if (exponent < -6) {
    // Subnormal (or zero) result in units of 2^-9: (2^23 + mantissa) *
    // 2^(exponent - 23) / 2^-9 = (2^23 + mantissa) >> (14 - exponent).
    unsigned shift = static_cast<unsigned>(14 - exponent);
    if (shift > 24) // Below 2^-10 (float zeros/subnormals included).
      return sign;
    // units == 8 is correctly the smallest normal (0x08).
    return static_cast<uint8_t>(sign |
                                shiftRightRne(mantissa | 0x800000u, shift));
  }
  // Normal: biased exponent in [1, 15], 3 mantissa bits; a mantissa carry
  // bumps the exponent.
  uint64_t rounded =
      shiftRightRne((static_cast<uint64_t>(exponent + 7) << 23) | mantissa, 20);
  return static_cast<uint8_t>(sign | rounded);
}

float e5m2ToFloat(uint8_t bits) {
  return f16ToFloat(static_cast<uint16_t>(bits << 8));
}

float e8m0ToFloat(uint8_t bits) {
  if (bits == 0xFF)
    return std::numeric_limits<float>::quiet_NaN();
  if (bits == 0) // 2^-127: the float subnormal 0x00400000.
    return bitsToFloat(0x00400000u);
  return bitsToFloat(static_cast<uint32_t>(bits) << 23);
}

//===----------------------------------------------------------------------===//
// Bulk decoding
//===----------------------------------------------------------------------===//

bool decodeToFloat(DType type, const void *src, float *dst, size_t n) {
  const auto *p = static_cast<const unsigned char *>(src);
  switch (type) {
  case DType::Bool:
    return false;
  case DType::U8:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(p[i]);
    return true;
  case DType::I8:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(signExtend(p[i], 8));
    return true;
  case DType::F8E5M2:
    for (size_t i = 0; i < n; ++i)
      dst[i] = e5m2ToFloat(p[i]);
    return true;
  case DType::F8E4M3:
    for (size_t i = 0; i < n; ++i)
      dst[i] = e4m3ToFloat(p[i]);
    return true;
  case DType::F8E8M0:
    for (size_t i = 0; i < n; ++i)
      dst[i] = e8m0ToFloat(p[i]);
    return true;
  case DType::I16:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(signExtend(load16(p + 2 * i), 16));
    return true;
  case DType::U16:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(load16(p + 2 * i));
    return true;
  case DType::F16:
    for (size_t i = 0; i < n; ++i)
      dst[i] = f16ToFloat(load16(p + 2 * i));
    return true;
  case DType::BF16:
    for (size_t i = 0; i < n; ++i)
      dst[i] = bf16ToFloat(load16(p + 2 * i));
    return true;
  case DType::I32:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(signExtend(load32(p + 4 * i), 32));
    return true;
  case DType::U32:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(load32(p + 4 * i));
    return true;
  case DType::F32:
    for (size_t i = 0; i < n; ++i)
      dst[i] = bitsToFloat(load32(p + 4 * i));
    return true;
  case DType::F64:
    for (size_t i = 0; i < n; ++i)
      dst[i] = doubleToFloat(bitsToDouble(load64(p + 8 * i)));
    return true;
  case DType::I64:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(signExtend(load64(p + 8 * i), 64));
    return true;
  case DType::U64:
    for (size_t i = 0; i < n; ++i)
      dst[i] = static_cast<float>(load64(p + 8 * i));
    return true;
  case DType::I4:
    for (size_t i = 0; i < n; ++i) {
      unsigned byte = p[i / 2];
      unsigned nibble = (i % 2 == 0) ? (byte & 0xFu) : (byte >> 4);
      dst[i] = static_cast<float>(signExtend(nibble, 4));
    }
    return true;
  }
  return false;
}

} // namespace ds
