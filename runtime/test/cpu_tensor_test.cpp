//===- cpu_tensor_test.cpp - Tests for ds::cpu::Tensor --------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// Expected bytes and values are derived by hand from the format definitions
// (see the comment next to each).
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/tensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace ds;
using namespace ds::cpu;

namespace {

using Bytes = std::vector<uint8_t>;

// Decodes `bytes`, checks the float values and that encode() gives the bytes
// back.
void expectFloatRoundTrip(DType type, const Bytes &bytes,
                          const std::vector<float> &values) {
  Expected<Tensor> t = Tensor::decode(
      type, {static_cast<int64_t>(values.size())}, bytes.data(), bytes.size());
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->dtype(), type);
  EXPECT_TRUE(t->isFloat());
  EXPECT_EQ(t->f(), values) << dtypeName(type);
  EXPECT_EQ(t->encode(), bytes) << dtypeName(type);
}

void expectIntRoundTrip(DType type, const Bytes &bytes,
                        const std::vector<int64_t> &values) {
  Expected<Tensor> t = Tensor::decode(
      type, {static_cast<int64_t>(values.size())}, bytes.data(), bytes.size());
  ASSERT_TRUE(t) << t.message();
  EXPECT_FALSE(t->isFloat());
  EXPECT_EQ(t->i(), values) << dtypeName(type);
  EXPECT_EQ(t->encode(), bytes) << dtypeName(type);
}

TEST(CpuTensor, FloatRoundTrips) {
  // bf16: 1.0 = 0x3F80, -2.0 = 0xC000, 0.5 = 0x3F00.
  expectFloatRoundTrip(DType::BF16, {0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F},
                       {1.0f, -2.0f, 0.5f});
  // f16: 1.0 = 0x3C00, -2.0 = 0xC000, smallest subnormal 0x0001 = 2^-24.
  expectFloatRoundTrip(DType::F16, {0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00},
                       {1.0f, -2.0f, 0x1p-24f});
  // f32: 1.5 = 0x3FC00000.
  expectFloatRoundTrip(DType::F32, {0x00, 0x00, 0xC0, 0x3F}, {1.5f});
  // f64: 2.5 = 0x4004000000000000.
  expectFloatRoundTrip(DType::F64, {0, 0, 0, 0, 0, 0, 0x04, 0x40}, {2.5f});
  // e4m3: 0x38 = e 7 m 0 = 1.0; 0xC0 = -(2^1) = -2; 0x7E = 1.75·2^8 = 448;
  // 0x01 = 1/8 · 2^-6 = 2^-9 (subnormal).
  expectFloatRoundTrip(DType::F8E4M3, {0x38, 0xC0, 0x7E, 0x01},
                       {1.0f, -2.0f, 448.0f, 0x1p-9f});
  // e5m2: 0x3C = e 15 = 1.0; 0xC0 = -2.0; 0x7B = 1.75·2^15 = 57344;
  // 0x3E = 1.5.
  expectFloatRoundTrip(DType::F8E5M2, {0x3C, 0xC0, 0x7B, 0x3E},
                       {1.0f, -2.0f, 57344.0f, 1.5f});
}

TEST(CpuTensor, IntRoundTrips) {
  expectIntRoundTrip(DType::I8, {0xFF, 0x7F, 0x80}, {-1, 127, -128});
  expectIntRoundTrip(DType::U8, {0xFF, 0x00}, {255, 0});
  expectIntRoundTrip(DType::I16, {0xFE, 0xFF, 0x00, 0x80}, {-2, -32768});
  expectIntRoundTrip(DType::U16, {0xFE, 0xFF}, {65534});
  expectIntRoundTrip(DType::I32, {0xFF, 0xFF, 0xFF, 0xFF, 0x05, 0, 0, 0},
                     {-1, 5});
  expectIntRoundTrip(DType::U32, {0xFF, 0xFF, 0xFF, 0xFF}, {4294967295LL});
  expectIntRoundTrip(DType::I64,
                     {0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, {-3});
  expectIntRoundTrip(DType::U64, {0x07, 0, 0, 0, 0, 0, 0, 0}, {7});
}

TEST(CpuTensor, Int4PackedOddAndEvenCounts) {
  // Element 2i is the low nibble of byte i. [-1, 7, -8]: byte 0 = 0x7F
  // (low 0xF = -1, high 0x7 = 7), byte 1 = 0x08 (low 0x8 = -8, high unused).
  expectIntRoundTrip(DType::I4, {0x7F, 0x08}, {-1, 7, -8});
  // Four elements [0, -2, 3, 1]: 0xE0, 0x13.
  expectIntRoundTrip(DType::I4, {0xE0, 0x13}, {0, -2, 3, 1});
  // The unused high nibble of an odd count is ignored on decode and written
  // as zero.
  Bytes dirty = {0x7F, 0xF8};
  Expected<Tensor> t = Tensor::decode(DType::I4, {3}, dirty.data(), 2);
  ASSERT_TRUE(t) << t.message();
  EXPECT_EQ(t->i(), (std::vector<int64_t>{-1, 7, -8}));
  EXPECT_EQ(t->encode(), (Bytes{0x7F, 0x08}));
  // ints() of I4 wraps into [-8, 7] like a cast: 9 -> -7.
  EXPECT_EQ(Tensor::ints(DType::I4, {1}, {9}).i(), std::vector<int64_t>{-7});
}

TEST(CpuTensor, DecodeErrors) {
  Bytes bytes(8, 0);
  Expected<Tensor> wrongSize =
      Tensor::decode(DType::BF16, {3}, bytes.data(), 8);
  ASSERT_FALSE(wrongSize);
  EXPECT_NE(wrongSize.message().find("expected 6 bytes, got 8"),
            std::string::npos)
      << wrongSize.message();
  Expected<Tensor> boolean = Tensor::decode(DType::Bool, {8}, bytes.data(), 8);
  ASSERT_FALSE(boolean);
  EXPECT_NE(boolean.message().find("unsupported dtype BOOL"), std::string::npos)
      << boolean.message();
  EXPECT_FALSE(Tensor::decode(DType::F8E8M0, {8}, bytes.data(), 8));
  Bytes big = {0, 0, 0, 0, 0, 0, 0, 0x80}; // 2^63 does not fit int64.
  Expected<Tensor> u64 = Tensor::decode(DType::U64, {1}, big.data(), 8);
  ASSERT_FALSE(u64);
  EXPECT_NE(u64.message().find("does not fit in int64"), std::string::npos);
  EXPECT_FALSE(Tensor::decode(DType::F32, {-1}, bytes.data(), 8));
}

TEST(CpuTensor, RoundToTiesToEven) {
  // bf16 keeps 7 fraction bits. 1 + 2^-8 is halfway between 1 and 1 + 2^-7:
  // the even neighbour is 1. 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd)
  // and 1 + 2^-6 (even).
  EXPECT_EQ(roundTo(DType::BF16, 1.0f + 0x1p-8f), 1.0f);
  EXPECT_EQ(roundTo(DType::BF16, 1.0f + 3 * 0x1p-8f), 1.0f + 0x1p-6f);
  EXPECT_EQ(roundTo(DType::BF16, -(1.0f + 3 * 0x1p-8f)), -(1.0f + 0x1p-6f));
  // Just above the tie rounds up.
  EXPECT_EQ(roundTo(DType::BF16, 1.0f + 0x1p-8f + 0x1p-20f), 1.0f + 0x1p-7f);
  // f16: 10 fraction bits.
  EXPECT_EQ(roundTo(DType::F16, 1.0f + 0x1p-11f), 1.0f);
  EXPECT_EQ(roundTo(DType::F16, 1.0f + 3 * 0x1p-11f), 1.0f + 0x1p-9f);
  // e4m3: 3 fraction bits; 1 + 1/16 -> 1, 1 + 3/16 -> 1.25; saturates.
  EXPECT_EQ(roundTo(DType::F8E4M3, 1.0625f), 1.0f);
  EXPECT_EQ(roundTo(DType::F8E4M3, 1.1875f), 1.25f);
  EXPECT_EQ(roundTo(DType::F8E4M3, 500.0f), 448.0f);
  // e5m2: 2 fraction bits; 1 + 1/8 -> 1, 1 + 3/8 -> 1.5; 60000 -> 57344
  // (below the 61440 midpoint to 2^16), 61440 -> infinity (tie to even).
  EXPECT_EQ(roundTo(DType::F8E5M2, 1.125f), 1.0f);
  EXPECT_EQ(roundTo(DType::F8E5M2, 1.375f), 1.5f);
  EXPECT_EQ(roundTo(DType::F8E5M2, 60000.0f), 57344.0f);
  EXPECT_TRUE(std::isinf(roundTo(DType::F8E5M2, 61440.0f)));
  // e5m2 subnormals are multiples of 2^-16: 3·2^-18 -> 2^-16 (0.75 ulp).
  EXPECT_EQ(roundTo(DType::F8E5M2, 3 * 0x1p-18f), 0x1p-16f);
  EXPECT_EQ(roundTo(DType::F32, 1.0f + 0x1p-23f), 1.0f + 0x1p-23f);
}

TEST(CpuTensor, ConstructionShapeAndCasts) {
  Tensor empty;
  EXPECT_EQ(empty.dtype(), DType::F32);
  EXPECT_EQ(empty.shape(), (Shape{0}));
  EXPECT_EQ(empty.numel(), 0);

  Tensor t =
      Tensor::floats(DType::BF16, {2, 2}, {1.0f, 1.0f + 0x1p-8f, 3.0f, -0.5f});
  EXPECT_EQ(t.f()[1], 1.0f); // rounded on construction
  EXPECT_EQ(t.dim(-1), 2);
  EXPECT_EQ(t.rank(), 2);
  EXPECT_EQ(t.typeString(), "BF16[2, 2]");
  EXPECT_EQ(shapeToString({}), "[]");
  EXPECT_EQ(numElements({}), 1);

  Expected<Tensor> r = t.reshaped({4});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->shape(), (Shape{4}));
  Expected<Tensor> bad = t.reshaped({3});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.message().find("element counts differ"), std::string::npos);

  Tensor ints = t.castTo(DType::I32); // truncation toward zero
  EXPECT_EQ(ints.i(), (std::vector<int64_t>{1, 1, 3, 0}));
  Tensor back = Tensor::ints(DType::I64, {2}, {3, -7}).castTo(DType::F16);
  EXPECT_EQ(back.f(), (std::vector<float>{3.0f, -7.0f}));
  Tensor e4 = Tensor::floats(DType::F32, {1}, {1.1875f}).castTo(DType::F8E4M3);
  EXPECT_EQ(e4.f()[0], 1.25f);
  EXPECT_EQ(e4.encode(), (Bytes{0x3A})); // e 7, m 2
  EXPECT_EQ(Tensor::zeros(DType::F16, {3}).f(), std::vector<float>(3, 0.0f));
}

} // namespace
