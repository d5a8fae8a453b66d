//===- dtype_test.cpp - Tests for tensor element types --------------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Expected values are derived by hand from the format definitions (see the
// comment next to each), not from the implementation under test.
//
//===----------------------------------------------------------------------===//

#include "ds/dtype.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace ds;

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

// Bit-exact float comparison (distinguishes +0 from -0).
#define EXPECT_FLOAT_BITS(expected, actual)                                    \
  EXPECT_EQ(bitsOf(expected), bitsOf(actual))                                  \
      << "expected " << (expected) << ", got " << (actual)

constexpr float Inf = std::numeric_limits<float>::infinity();

//===----------------------------------------------------------------------===//
// Names and sizes
//===----------------------------------------------------------------------===//

TEST(DTypeNames, EveryNameRoundTrips) {
  const std::vector<std::pair<DType, std::string>> expected = {
      {DType::Bool, "BOOL"},      {DType::U8, "U8"},
      {DType::I8, "I8"},          {DType::F8E5M2, "F8_E5M2"},
      {DType::F8E4M3, "F8_E4M3"}, {DType::F8E8M0, "F8_E8M0"},
      {DType::I16, "I16"},        {DType::U16, "U16"},
      {DType::F16, "F16"},        {DType::BF16, "BF16"},
      {DType::I32, "I32"},        {DType::U32, "U32"},
      {DType::F32, "F32"},        {DType::F64, "F64"},
      {DType::I64, "I64"},        {DType::U64, "U64"},
      {DType::I4, "I4"}};
  ASSERT_EQ(expected.size(), sizeof(AllDTypes) / sizeof(AllDTypes[0]));
  for (const auto &[type, name] : expected) {
    EXPECT_EQ(name, dtypeName(type));
    std::optional<DType> parsed = parseDType(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(type, *parsed) << name;
  }
  for (DType type : AllDTypes) {
    std::optional<DType> parsed = parseDType(dtypeName(type));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(type, *parsed);
  }
}

TEST(DTypeNames, UnknownNamesRejected) {
  for (const char *name : {"", "bf16", "Bf16", "BF16 ", " BF16", "BF1", "BF166",
                           "F8_E4M3FN", "F8E4M3", "float32", "F4", "F6_E2M3",
                           "F6_E3M2", "C64", "I128", "bool", "U4", "i4"})
    EXPECT_FALSE(parseDType(name).has_value()) << '"' << name << '"';
  // Embedded NUL: the exact length matters, not a C-string prefix.
  EXPECT_FALSE(parseDType(std::string_view("F32\0", 4)).has_value());
}

TEST(DTypeNames, Classification) {
  EXPECT_FALSE(isSafetensorsDType(DType::I4));
  EXPECT_TRUE(isSafetensorsDType(DType::BF16));
  EXPECT_TRUE(isSafetensorsDType(DType::Bool));
  for (DType t : {DType::F8E5M2, DType::F8E4M3, DType::F8E8M0, DType::F16,
                  DType::BF16, DType::F32, DType::F64}) {
    EXPECT_TRUE(isFloatDType(t)) << dtypeName(t);
    EXPECT_FALSE(isIntegerDType(t)) << dtypeName(t);
  }
  for (DType t : {DType::U8, DType::I8, DType::I16, DType::U16, DType::I32,
                  DType::U32, DType::I64, DType::U64, DType::I4}) {
    EXPECT_TRUE(isIntegerDType(t)) << dtypeName(t);
    EXPECT_FALSE(isFloatDType(t)) << dtypeName(t);
  }
  EXPECT_FALSE(isFloatDType(DType::Bool));
  EXPECT_FALSE(isIntegerDType(DType::Bool));
  // Index types: the integers every value of which is an int64.
  for (DType t : {DType::U8, DType::I8, DType::I16, DType::U16, DType::I32,
                  DType::U32, DType::I64})
    EXPECT_TRUE(isIndexDType(t)) << dtypeName(t);
  for (DType t : {DType::U64, DType::I4, DType::Bool, DType::F32, DType::BF16})
    EXPECT_FALSE(isIndexDType(t)) << dtypeName(t);
}

TEST(DTypeSizes, Bits) {
  EXPECT_EQ(8u, dtypeBits(DType::Bool));
  EXPECT_EQ(8u, dtypeBits(DType::U8));
  EXPECT_EQ(8u, dtypeBits(DType::I8));
  EXPECT_EQ(8u, dtypeBits(DType::F8E5M2));
  EXPECT_EQ(8u, dtypeBits(DType::F8E4M3));
  EXPECT_EQ(8u, dtypeBits(DType::F8E8M0));
  EXPECT_EQ(16u, dtypeBits(DType::I16));
  EXPECT_EQ(16u, dtypeBits(DType::U16));
  EXPECT_EQ(16u, dtypeBits(DType::F16));
  EXPECT_EQ(16u, dtypeBits(DType::BF16));
  EXPECT_EQ(32u, dtypeBits(DType::I32));
  EXPECT_EQ(32u, dtypeBits(DType::U32));
  EXPECT_EQ(32u, dtypeBits(DType::F32));
  EXPECT_EQ(64u, dtypeBits(DType::F64));
  EXPECT_EQ(64u, dtypeBits(DType::I64));
  EXPECT_EQ(64u, dtypeBits(DType::U64));
  EXPECT_EQ(4u, dtypeBits(DType::I4));
}

TEST(DTypeSizes, ByteSize) {
  constexpr uint64_t Max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(std::optional<uint64_t>(0), byteSize(DType::BF16, 0));
  EXPECT_EQ(std::optional<uint64_t>(16), byteSize(DType::F32, 4));
  // DeepSeek-V3 q_a_proj [1536, 7168] in BF16 and F8_E4M3.
  EXPECT_EQ(std::optional<uint64_t>(22020096), byteSize(DType::BF16, 11010048));
  EXPECT_EQ(std::optional<uint64_t>(11010048),
            byteSize(DType::F8E4M3, 11010048));
  // 1-byte types never overflow.
  EXPECT_EQ(std::optional<uint64_t>(Max), byteSize(DType::U8, Max));
  // 2-byte: 2^63 elements need exactly 2^64 bytes -> overflow; one fewer fits.
  EXPECT_FALSE(byteSize(DType::F16, uint64_t(1) << 63).has_value());
  EXPECT_EQ(std::optional<uint64_t>(Max - 1),
            byteSize(DType::F16, (uint64_t(1) << 63) - 1));
  // 4-byte: 2^62 elements -> 2^64 bytes overflows; 2^62 - 1 -> 2^64 - 4.
  EXPECT_FALSE(byteSize(DType::F32, uint64_t(1) << 62).has_value());
  EXPECT_EQ(std::optional<uint64_t>(Max - 3),
            byteSize(DType::F32, (uint64_t(1) << 62) - 1));
  // 8-byte.
  EXPECT_FALSE(byteSize(DType::U64, uint64_t(1) << 61).has_value());
  EXPECT_FALSE(byteSize(DType::F64, Max).has_value());
  EXPECT_EQ(std::optional<uint64_t>(Max - 7),
            byteSize(DType::I64, (uint64_t(1) << 61) - 1));
  // I4 rounds up to whole bytes and never overflows.
  EXPECT_EQ(std::optional<uint64_t>(0), byteSize(DType::I4, 0));
  EXPECT_EQ(std::optional<uint64_t>(1), byteSize(DType::I4, 1));
  EXPECT_EQ(std::optional<uint64_t>(1), byteSize(DType::I4, 2));
  EXPECT_EQ(std::optional<uint64_t>(2), byteSize(DType::I4, 3));
  EXPECT_EQ(std::optional<uint64_t>(uint64_t(1) << 63),
            byteSize(DType::I4, Max));
}

//===----------------------------------------------------------------------===//
// bfloat16
//===----------------------------------------------------------------------===//

TEST(BF16, Decode) {
  EXPECT_FLOAT_BITS(1.0f, bf16ToFloat(0x3F80));
  EXPECT_FLOAT_BITS(-2.0f, bf16ToFloat(0xC000));
  // 0x4049: exponent 128, mantissa 0b1001001 -> (1 + 73/128) * 2 = 3.140625.
  EXPECT_FLOAT_BITS(3.140625f, bf16ToFloat(0x4049));
  EXPECT_FLOAT_BITS(-0.0f, bf16ToFloat(0x8000));
  EXPECT_FLOAT_BITS(Inf, bf16ToFloat(0x7F80));
  EXPECT_TRUE(std::isnan(bf16ToFloat(0x7FC0)));
  EXPECT_EQ(0x00010000u, bitsOf(bf16ToFloat(0x0001))); // subnormal
}

TEST(BF16, EncodeRoundsToNearestEven) {
  // bfloat16 keeps 7 mantissa bits, so the spacing just above 1.0 is 2^-7.
  EXPECT_EQ(0x3F80, floatToBf16(1.0f));
  // 1 + 2^-8: exactly halfway between 0x3F80 (even) and 0x3F81 -> 0x3F80.
  EXPECT_EQ(0x3F80, floatToBf16(1.0f + 0x1p-8f));
  // 1 + 2^-8 + 2^-23: just above halfway -> 0x3F81.
  EXPECT_EQ(0x3F81, floatToBf16(1.0f + 0x1p-8f + 0x1p-23f));
  // 1 + 2^-9: a quarter step, below halfway -> 0x3F80.
  EXPECT_EQ(0x3F80, floatToBf16(1.0f + 0x1p-9f));
  // 1 + 3*2^-8 = 1 + 2^-7 + 2^-8: halfway between 0x3F81 (odd) and 0x3F82
  // (even) -> 0x3F82.
  EXPECT_EQ(0x3F82, floatToBf16(1.0f + 3 * 0x1p-8f));
  // Same on the negative side.
  EXPECT_EQ(0xBF80, floatToBf16(-(1.0f + 0x1p-8f)));
  EXPECT_EQ(0xBF82, floatToBf16(-(1.0f + 3 * 0x1p-8f)));
  // Mantissa carry into the exponent: 2 - 2^-8 is halfway between 0x3FFF
  // (odd, 2 - 2^-7) and 0x4000 (2.0) -> 0x4000.
  EXPECT_EQ(0x4000, floatToBf16(2.0f - 0x1p-8f));
  EXPECT_EQ(0x8000, floatToBf16(-0.0f));
  EXPECT_EQ(0x0000, floatToBf16(0.0f));
}

TEST(BF16, EncodeSpecials) {
  EXPECT_EQ(0x7F80, floatToBf16(Inf));
  EXPECT_EQ(0xFF80, floatToBf16(-Inf));
  // Largest bfloat16 is 0x7F7F; FLT_MAX (0x7F7FFFFF) is above the midpoint to
  // 2^128, so it rounds to infinity; 0x7F7F7FFF is below it.
  EXPECT_EQ(0x7F80, floatToBf16(std::numeric_limits<float>::max()));
  EXPECT_EQ(0x7F7F, floatToBf16(fromBits(0x7F7F7FFF)));
  // Quiet NaN stays quiet NaN.
  EXPECT_EQ(0x7FC0, floatToBf16(std::numeric_limits<float>::quiet_NaN()));
  // A signalling NaN whose payload lives only in the dropped low bits must not
  // truncate to infinity (0x7F80).
  EXPECT_EQ(0x7FC0, floatToBf16(fromBits(0x7F800001)));
  EXPECT_EQ(0xFFC0, floatToBf16(fromBits(0xFF800001)));
  // Upper payload bits are kept.
  EXPECT_EQ(0x7FC1, floatToBf16(fromBits(0x7FC10000)));
}

TEST(BF16, ExhaustiveRoundTrip) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    auto bits = static_cast<uint16_t>(h);
    float value = bf16ToFloat(bits);
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(value))));
      continue;
    }
    ASSERT_EQ(bits, floatToBf16(value)) << std::hex << h;
  }
}

//===----------------------------------------------------------------------===//
// IEEE binary16
//===----------------------------------------------------------------------===//

TEST(F16, Decode) {
  EXPECT_FLOAT_BITS(1.0f, f16ToFloat(0x3C00));
  EXPECT_FLOAT_BITS(-2.0f, f16ToFloat(0xC000));
  // 0x3555: exponent 13 -> 2^-2, mantissa 0x155 = 341 -> (1 + 341/1024) / 4.
  EXPECT_FLOAT_BITS(1365.0f / 4096.0f, f16ToFloat(0x3555));
  // Largest finite: exponent 30 -> 2^15, mantissa 0x3FF -> (2 - 2^-10) * 2^15.
  EXPECT_FLOAT_BITS(65504.0f, f16ToFloat(0x7BFF));
  EXPECT_FLOAT_BITS(-65504.0f, f16ToFloat(0xFBFF));
  // Smallest normal 2^-14, smallest subnormal 2^-24, largest subnormal
  // 1023 * 2^-24.
  EXPECT_FLOAT_BITS(0x1p-14f, f16ToFloat(0x0400));
  EXPECT_FLOAT_BITS(0x1p-24f, f16ToFloat(0x0001));
  EXPECT_FLOAT_BITS(-0x1p-24f, f16ToFloat(0x8001));
  EXPECT_FLOAT_BITS(1023.0f * 0x1p-24f, f16ToFloat(0x03FF));
  EXPECT_FLOAT_BITS(0x1p-23f, f16ToFloat(0x0002));
  EXPECT_FLOAT_BITS(0.0f, f16ToFloat(0x0000));
  EXPECT_FLOAT_BITS(-0.0f, f16ToFloat(0x8000));
  EXPECT_FLOAT_BITS(Inf, f16ToFloat(0x7C00));
  EXPECT_FLOAT_BITS(-Inf, f16ToFloat(0xFC00));
  EXPECT_TRUE(std::isnan(f16ToFloat(0x7E00)));
  EXPECT_TRUE(std::isnan(f16ToFloat(0x7C01)));
  EXPECT_TRUE(std::isnan(f16ToFloat(0xFFFF)));
}

TEST(F16, EncodeRoundsToNearestEven) {
  EXPECT_EQ(0x3C00, floatToF16(1.0f));
  // Spacing above 1.0 is 2^-10. 1 + 2^-11 is a tie -> even 0x3C00;
  // 1 + 3*2^-11 is a tie between 0x3C01 and 0x3C02 -> 0x3C02.
  EXPECT_EQ(0x3C00, floatToF16(1.0f + 0x1p-11f));
  EXPECT_EQ(0x3C01, floatToF16(1.0f + 0x1p-11f + 0x1p-20f));
  EXPECT_EQ(0x3C02, floatToF16(1.0f + 3 * 0x1p-11f));
  EXPECT_EQ(0x7BFF, floatToF16(65504.0f));
  // 65519 is below the midpoint 65520 between 65504 and 65536.
  EXPECT_EQ(0x7BFF, floatToF16(65519.0f));
  EXPECT_EQ(0xFBFF, floatToF16(-65519.0f));
  // 65520 is the tie; 65504 has an odd mantissa, so it rounds up to infinity.
  EXPECT_EQ(0x7C00, floatToF16(65520.0f));
  // Binary16 biased exponent exactly 31 (values in [2^16, 2^17)) must be
  // infinity, not a NaN pattern.
  EXPECT_EQ(0x7C00, floatToF16(65536.0f));
  EXPECT_EQ(0x7C00, floatToF16(100000.0f));
  EXPECT_EQ(0xFC00, floatToF16(-100000.0f));
  EXPECT_EQ(0x7C00, floatToF16(1.0e6f));
  EXPECT_EQ(0xFC00, floatToF16(-1.0e6f));
  EXPECT_EQ(0x7C00, floatToF16(std::numeric_limits<float>::max()));
  EXPECT_EQ(0x7C00, floatToF16(Inf));
  EXPECT_EQ(0xFC00, floatToF16(-Inf));
}

TEST(F16, EncodeSubnormals) {
  EXPECT_EQ(0x0001, floatToF16(0x1p-24f));
  EXPECT_EQ(0x8001, floatToF16(-0x1p-24f));
  EXPECT_EQ(0x0400, floatToF16(0x1p-14f));
  // 2^-25 is halfway between 0 and 2^-24 -> even 0; slightly more -> 2^-24.
  EXPECT_EQ(0x0000, floatToF16(0x1p-25f));
  EXPECT_EQ(0x8000, floatToF16(-0x1p-25f));
  EXPECT_EQ(0x0001, floatToF16(0x1p-25f + 0x1p-40f));
  EXPECT_EQ(0x0000, floatToF16(0x1p-26f));
  // 1.5 * 2^-24 -> tie between 1 and 2 units -> 2; 2.5 units -> 2.
  EXPECT_EQ(0x0002, floatToF16(3 * 0x1p-25f));
  EXPECT_EQ(0x0002, floatToF16(5 * 0x1p-25f));
  // 1023.5 units: tie between the largest subnormal 0x03FF (odd) and the
  // smallest normal 0x0400 -> 0x0400.
  EXPECT_EQ(0x0400, floatToF16(1023.5f * 0x1p-24f));
  EXPECT_EQ(0x03FF, floatToF16(1023.25f * 0x1p-24f));
  // Float zeros and subnormals flush to signed zero.
  EXPECT_EQ(0x0000, floatToF16(0.0f));
  EXPECT_EQ(0x8000, floatToF16(-0.0f));
  EXPECT_EQ(0x0000, floatToF16(fromBits(0x00000001)));
  EXPECT_EQ(0x8000, floatToF16(fromBits(0x807FFFFF)));
}

TEST(F16, EncodeNaN) {
  uint16_t h = floatToF16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(0x7C00, h & 0x7C00);
  EXPECT_NE(0, h & 0x03FF);
  // Signalling NaN with a low payload must not become infinity.
  h = floatToF16(fromBits(0x7F800001));
  EXPECT_EQ(0x7E00, h & 0x7E00);
  EXPECT_TRUE(std::isnan(f16ToFloat(floatToF16(fromBits(0xFF800001)))));
}

TEST(F16, ExhaustiveRoundTrip) {
  for (uint32_t h = 0; h <= 0xFFFF; ++h) {
    auto bits = static_cast<uint16_t>(h);
    float value = f16ToFloat(bits);
    if (std::isnan(value))
      continue;
    ASSERT_EQ(bits, floatToF16(value)) << std::hex << h;
  }
}

//===----------------------------------------------------------------------===//
// F8_E4M3 (E4M3FN)
//===----------------------------------------------------------------------===//

TEST(E4M3, DecodeKnownCodes) {
  // Formula (models.md 4.2): s = b>>7, e = (b>>3)&15, m = b&7.
  // 0x7E: e=15, m=6 -> (1 + 6/8) * 2^8 = 448.
  EXPECT_FLOAT_BITS(448.0f, e4m3ToFloat(0x7E));
  EXPECT_FLOAT_BITS(-448.0f, e4m3ToFloat(0xFE));
  // 0x7F / 0xFF: e=15, m=7 -> NaN.
  EXPECT_TRUE(std::isnan(e4m3ToFloat(0x7F)));
  EXPECT_TRUE(std::isnan(e4m3ToFloat(0xFF)));
  // 0x78: e=15, m=0 -> 2^8 = 256 (not infinity: E4M3FN has none).
  EXPECT_FLOAT_BITS(256.0f, e4m3ToFloat(0x78));
  // 0x01: e=0, m=1 -> 1/8 * 2^-6 = 2^-9.
  EXPECT_FLOAT_BITS(0x1p-9f, e4m3ToFloat(0x01));
  // 0x07: e=0, m=7 -> 7/8 * 2^-6 = 7 * 2^-9.
  EXPECT_FLOAT_BITS(7 * 0x1p-9f, e4m3ToFloat(0x07));
  // 0x08: e=1, m=0 -> 2^-6.
  EXPECT_FLOAT_BITS(0x1p-6f, e4m3ToFloat(0x08));
  // 0x38: e=7, m=0 -> 1.0; 0xB8 is the same with the sign bit -> -1.0.
  EXPECT_FLOAT_BITS(1.0f, e4m3ToFloat(0x38));
  EXPECT_FLOAT_BITS(-1.0f, e4m3ToFloat(0xB8));
  // 0x40: e=8, m=0 -> 2.0; 0x3C: e=7, m=4 -> 1.5; 0x4D: e=9, m=5 -> 6.5.
  EXPECT_FLOAT_BITS(2.0f, e4m3ToFloat(0x40));
  EXPECT_FLOAT_BITS(1.5f, e4m3ToFloat(0x3C));
  EXPECT_FLOAT_BITS(6.5f, e4m3ToFloat(0x4D));
  EXPECT_FLOAT_BITS(0.0f, e4m3ToFloat(0x00));
  EXPECT_FLOAT_BITS(-0.0f, e4m3ToFloat(0x80));
}

TEST(E4M3, DecodeMatchesFormulaForAllCodes) {
  for (unsigned b = 0; b < 256; ++b) {
    unsigned s = b >> 7, e = (b >> 3) & 15, m = b & 7;
    float got = e4m3ToFloat(static_cast<uint8_t>(b));
    if (e == 15 && m == 7) {
      EXPECT_TRUE(std::isnan(got)) << b;
      continue;
    }
    double magnitude = e == 0 ? m / 8.0 * std::ldexp(1.0, -6)
                              : (1 + m / 8.0) * std::ldexp(1.0, int(e) - 7);
    double expected = s ? -magnitude : magnitude;
    EXPECT_FLOAT_BITS(static_cast<float>(expected), got) << "code " << b;
  }
}

TEST(E4M3, DecodeIsMonotonic) {
  for (unsigned b = 0; b < 0x7E; ++b)
    EXPECT_LT(e4m3ToFloat(static_cast<uint8_t>(b)),
              e4m3ToFloat(static_cast<uint8_t>(b + 1)))
        << b;
}

TEST(E4M3, ExhaustiveRoundTrip) {
  for (unsigned b = 0; b < 256; ++b) {
    if ((b & 0x7F) == 0x7F)
      continue; // NaN codes
    auto code = static_cast<uint8_t>(b);
    ASSERT_EQ(code, floatToE4m3(e4m3ToFloat(code))) << "code " << b;
  }
  // Signed zeros in particular.
  EXPECT_EQ(0x00, floatToE4m3(0.0f));
  EXPECT_EQ(0x80, floatToE4m3(-0.0f));
}

TEST(E4M3, EncodeSaturatesAndNaN) {
  EXPECT_EQ(0x7E, floatToE4m3(1000.0f));
  EXPECT_EQ(0xFE, floatToE4m3(-1000.0f));
  EXPECT_EQ(0x7E, floatToE4m3(449.0f));
  // 464 is halfway between 448 and the (non-existent) 480.
  EXPECT_EQ(0x7E, floatToE4m3(464.0f));
  EXPECT_EQ(0x7E, floatToE4m3(479.0f));
  EXPECT_EQ(0x7E, floatToE4m3(1.0e30f));
  EXPECT_EQ(0x7E, floatToE4m3(std::numeric_limits<float>::max()));
  EXPECT_EQ(0x7E, floatToE4m3(Inf));
  EXPECT_EQ(0xFE, floatToE4m3(-Inf));
  EXPECT_EQ(0x7F, floatToE4m3(std::numeric_limits<float>::quiet_NaN()));
  EXPECT_EQ(0x7F, floatToE4m3(-std::numeric_limits<float>::quiet_NaN()));
  EXPECT_EQ(0x7F, floatToE4m3(fromBits(0x7F800001)));
}

TEST(E4M3, EncodeRoundsToNearestEven) {
  // Spacing in [1, 2) is 1/8. 1 + 1/16 ties to 0x38 (even);
  // 1 + 3/16 ties between 0x39 and 0x3A -> 0x3A.
  EXPECT_EQ(0x38, floatToE4m3(1.0f + 1.0f / 16));
  EXPECT_EQ(0x39, floatToE4m3(1.0f + 1.0f / 16 + 0x1p-20f));
  EXPECT_EQ(0x3A, floatToE4m3(1.0f + 3.0f / 16));
  EXPECT_EQ(0xBA, floatToE4m3(-(1.0f + 3.0f / 16)));
  // 1.9375 = 2 - 1/16 ties between 0x3F (1.875, odd) and 0x40 (2.0).
  EXPECT_EQ(0x40, floatToE4m3(1.9375f));
  // Spacing in [256, 448] is 32: 432 is halfway between 416 (0x7D, odd) and
  // 448 (0x7E) -> 0x7E; 400 is halfway between 384 (0x7C) and 416 -> 0x7C.
  EXPECT_EQ(0x7E, floatToE4m3(432.0f));
  EXPECT_EQ(0x7C, floatToE4m3(400.0f));
  // Subnormals: units of 2^-9. 2^-10 is a tie between 0 and 1 -> 0.
  EXPECT_EQ(0x00, floatToE4m3(0x1p-10f));
  EXPECT_EQ(0x80, floatToE4m3(-0x1p-10f));
  EXPECT_EQ(0x01, floatToE4m3(0x1p-10f + 0x1p-30f));
  // 1.5 units -> 2 (0x02); 2.5 units -> 2.
  EXPECT_EQ(0x02, floatToE4m3(3 * 0x1p-10f));
  EXPECT_EQ(0x02, floatToE4m3(5 * 0x1p-10f));
  // 7.5 units ties between 0x07 (odd) and the smallest normal 0x08 -> 0x08.
  EXPECT_EQ(0x08, floatToE4m3(15 * 0x1p-10f));
  // Float subnormals and tiny values flush to signed zero.
  EXPECT_EQ(0x00, floatToE4m3(fromBits(0x00000001)));
  EXPECT_EQ(0x80, floatToE4m3(-1.0e-20f));
}

// Compares floatToE4m3 with a brute-force nearest-code search on every
// midpoint between adjacent codes and the floats right around it.
TEST(E4M3, EncodeMatchesBruteForce) {
  auto reference = [](float x) -> uint8_t {
    uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
    float a = std::fabs(x);
    if (a >= 448.0f)
      return sign | 0x7E;
    unsigned best = 0;
    for (unsigned c = 1; c <= 0x7E; ++c) {
      float dc = std::fabs(e4m3ToFloat(static_cast<uint8_t>(c)) - a);
      float db = std::fabs(e4m3ToFloat(static_cast<uint8_t>(best)) - a);
      if (dc < db || (dc == db && (c % 2 == 0)))
        best = c;
    }
    return static_cast<uint8_t>(sign | best);
  };
  std::vector<float> probes;
  for (unsigned c = 0; c < 0x7E; ++c) {
    float lo = e4m3ToFloat(static_cast<uint8_t>(c));
    float hi = e4m3ToFloat(static_cast<uint8_t>(c + 1));
    float mid = (lo + hi) / 2; // exact: few mantissa bits
    for (float p : {lo, mid, std::nextafter(mid, 0.0f),
                    std::nextafter(mid, Inf), (lo + mid) / 2, (mid + hi) / 2})
      probes.push_back(p);
  }
  for (float p : probes) {
    ASSERT_EQ(reference(p), floatToE4m3(p)) << p;
    ASSERT_EQ(reference(-p), floatToE4m3(-p)) << -p;
  }
}

//===----------------------------------------------------------------------===//
// F8_E5M2 and F8_E8M0
//===----------------------------------------------------------------------===//

TEST(E5M2, Decode) {
  // s.eeeee.mm, bias 15.
  EXPECT_FLOAT_BITS(1.0f, e5m2ToFloat(0x3C));     // e=15, m=0
  EXPECT_FLOAT_BITS(-1.5f, e5m2ToFloat(0xBE));    // e=15, m=2
  EXPECT_FLOAT_BITS(57344.0f, e5m2ToFloat(0x7B)); // e=30, m=3: 1.75 * 2^15
  EXPECT_FLOAT_BITS(0x1p-14f, e5m2ToFloat(0x04)); // smallest normal
  EXPECT_FLOAT_BITS(0x1p-16f, e5m2ToFloat(0x01)); // 1/4 * 2^-14
  EXPECT_FLOAT_BITS(3 * 0x1p-16f, e5m2ToFloat(0x03));
  EXPECT_FLOAT_BITS(-0.0f, e5m2ToFloat(0x80));
  EXPECT_FLOAT_BITS(Inf, e5m2ToFloat(0x7C));
  EXPECT_FLOAT_BITS(-Inf, e5m2ToFloat(0xFC));
  EXPECT_TRUE(std::isnan(e5m2ToFloat(0x7D)));
  EXPECT_TRUE(std::isnan(e5m2ToFloat(0x7F)));
  EXPECT_TRUE(std::isnan(e5m2ToFloat(0xFE)));
}

TEST(E8M0, Decode) {
  EXPECT_FLOAT_BITS(1.0f, e8m0ToFloat(127));
  EXPECT_FLOAT_BITS(2.0f, e8m0ToFloat(128));
  EXPECT_FLOAT_BITS(0.5f, e8m0ToFloat(126));
  EXPECT_FLOAT_BITS(0x1p-126f, e8m0ToFloat(1));
  EXPECT_FLOAT_BITS(0x1p127f, e8m0ToFloat(254));
  // 2^-127 is a float subnormal: bit pattern 0x00400000.
  EXPECT_EQ(0x00400000u, bitsOf(e8m0ToFloat(0)));
  EXPECT_FLOAT_BITS(std::ldexp(1.0f, -127), e8m0ToFloat(0));
  EXPECT_TRUE(std::isnan(e8m0ToFloat(0xFF)));
  for (unsigned b = 0; b < 255; ++b)
    EXPECT_FLOAT_BITS(std::ldexp(1.0f, int(b) - 127),
                      e8m0ToFloat(static_cast<uint8_t>(b)));
}

//===----------------------------------------------------------------------===//
// Bulk decoding
//===----------------------------------------------------------------------===//

// Decodes `bytes` (copied to an odd address to check unaligned access).
std::vector<float> decode(DType type, const std::vector<uint8_t> &bytes,
                          size_t n) {
  std::vector<uint8_t> buffer(bytes.size() + 1);
  std::memcpy(buffer.data() + 1, bytes.data(), bytes.size());
  std::vector<float> out(n, -12345.0f);
  EXPECT_TRUE(decodeToFloat(type, buffer.data() + 1, out.data(), n))
      << dtypeName(type);
  return out;
}

TEST(DecodeToFloat, I4SignExtendsNibbles) {
  // Low nibble first. 0x71 -> 1, 7; 0x8F -> -1, -8; 0x0F -> -1 (high unused).
  EXPECT_EQ((std::vector<float>{1, 7, -1, -8, -1}),
            decode(DType::I4, {0x71, 0x8F, 0x0F}, 5));
  // Every nibble value: 0..7 -> 0..7, 8..15 -> -8..-1.
  std::vector<uint8_t> bytes;
  for (unsigned v = 0; v < 16; v += 2)
    bytes.push_back(static_cast<uint8_t>(v | ((v + 1) << 4)));
  std::vector<float> expected = {0,  1,  2,  3,  4,  5,  6,  7,
                                 -8, -7, -6, -5, -4, -3, -2, -1};
  EXPECT_EQ(expected, decode(DType::I4, bytes, 16));
}

TEST(DecodeToFloat, Integers) {
  EXPECT_EQ((std::vector<float>{0, 255, 128}),
            decode(DType::U8, {0x00, 0xFF, 0x80}, 3));
  EXPECT_EQ((std::vector<float>{-128, 127, -1, 0}),
            decode(DType::I8, {0x80, 0x7F, 0xFF, 0x00}, 4));
  // Little-endian: {0x34, 0x12} is 0x1234 = 4660.
  EXPECT_EQ((std::vector<float>{4660, -1, -32768}),
            decode(DType::I16, {0x34, 0x12, 0xFF, 0xFF, 0x00, 0x80}, 3));
  EXPECT_EQ((std::vector<float>{4660, 65535}),
            decode(DType::U16, {0x34, 0x12, 0xFF, 0xFF}, 2));
  EXPECT_EQ(
      (std::vector<float>{-2, 16909060}),
      decode(DType::I32, {0xFE, 0xFF, 0xFF, 0xFF, 0x04, 0x03, 0x02, 0x01}, 2));
  EXPECT_EQ((std::vector<float>{4294967295.0f}),
            decode(DType::U32, {0xFF, 0xFF, 0xFF, 0xFF}, 1));
  EXPECT_EQ((std::vector<float>{-0x1p63f, 3}),
            decode(DType::I64,
                   {0, 0, 0, 0, 0, 0, 0, 0x80, 3, 0, 0, 0, 0, 0, 0, 0}, 2));
  EXPECT_EQ(
      (std::vector<float>{0x1p64f}),
      decode(DType::U64, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 1));
}

TEST(DecodeToFloat, Floats) {
  // F32 1.0 = 0x3F800000, -2.5 = 0xC0200000, little-endian.
  EXPECT_EQ(
      (std::vector<float>{1.0f, -2.5f}),
      decode(DType::F32, {0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0}, 2));
  EXPECT_EQ((std::vector<float>{1.0f, 3.140625f}),
            decode(DType::BF16, {0x80, 0x3F, 0x49, 0x40}, 2));
  EXPECT_EQ((std::vector<float>{65504.0f, 0x1p-24f}),
            decode(DType::F16, {0xFF, 0x7B, 0x01, 0x00}, 2));
  EXPECT_EQ((std::vector<float>{448.0f, -1.0f, 0x1p-9f}),
            decode(DType::F8E4M3, {0x7E, 0xB8, 0x01}, 3));
  EXPECT_EQ((std::vector<float>{1.0f, 57344.0f}),
            decode(DType::F8E5M2, {0x3C, 0x7B}, 2));
  EXPECT_EQ((std::vector<float>{1.0f, 0.25f}),
            decode(DType::F8E8M0, {127, 125}, 2));
  std::vector<float> nan = decode(DType::F8E4M3, {0x7F}, 1);
  EXPECT_TRUE(std::isnan(nan[0]));
}

TEST(DecodeToFloat, F64RoundsAndOverflows) {
  auto bytesOf = [](std::vector<double> values) {
    std::vector<uint8_t> bytes;
    for (double v : values) {
      uint64_t bits;
      std::memcpy(&bits, &v, sizeof(bits));
      for (int i = 0; i < 8; ++i)
        bytes.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    }
    return bytes;
  };
  const double fltMax = std::numeric_limits<float>::max();
  // 1 + 2^-30 rounds to 1.0f; 1 + 3*2^-24 (tie) to 1 + 2^-22 (even).
  std::vector<float> out =
      decode(DType::F64,
             bytesOf({1.0, 1.0 + 0x1p-30, 1.0 + 3 * 0x1p-24, -0.5, 1e300,
                      -1e300, fltMax + 0x1p102, fltMax + 0x1p103}),
             8);
  EXPECT_FLOAT_BITS(1.0f, out[0]);
  EXPECT_FLOAT_BITS(1.0f, out[1]);
  EXPECT_FLOAT_BITS(1.0f + 0x1p-22f, out[2]);
  EXPECT_FLOAT_BITS(-0.5f, out[3]);
  EXPECT_FLOAT_BITS(Inf, out[4]);
  EXPECT_FLOAT_BITS(-Inf, out[5]);
  // Below the midpoint between FLT_MAX and 2^128 -> FLT_MAX; at it -> inf.
  EXPECT_FLOAT_BITS(std::numeric_limits<float>::max(), out[6]);
  EXPECT_FLOAT_BITS(Inf, out[7]);
  std::vector<float> nan = decode(
      DType::F64, bytesOf({std::numeric_limits<double>::quiet_NaN()}), 1);
  EXPECT_TRUE(std::isnan(nan[0]));
}

TEST(DecodeToFloat, BoolRejectedAndZeroCount) {
  uint8_t src[2] = {0, 1};
  float dst[2] = {7.0f, 7.0f};
  EXPECT_FALSE(decodeToFloat(DType::Bool, src, dst, 2));
  EXPECT_EQ(7.0f, dst[0]);
  EXPECT_EQ(7.0f, dst[1]);
  // n == 0 reads and writes nothing (null pointers allowed).
  EXPECT_TRUE(decodeToFloat(DType::F32, nullptr, nullptr, 0));
}

} // namespace
