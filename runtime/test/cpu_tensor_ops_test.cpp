//===- cpu_tensor_ops_test.cpp - tensor ops and elementwise arith ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// ds/cpu/tensor_ops.h and ds/cpu/elementwise.h: values on hand-computed
// examples, and every size, offset and stride from the IR checked before
// use (negative, overflowing, beyond the ceilings of ds/limits.h).
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/elementwise.h"
#include "ds/cpu/tensor_ops.h"
#include "ds/limits.h"

#include "cpu_test_util.h"

#include <cmath>
#include <limits>

using namespace ds;
using namespace ds::cpu;
using ds::cpu::test::f32;

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// [2, 3]: 1 2 3 / 4 5 6.
Tensor matrix() { return f32({2, 3}, {1, 2, 3, 4, 5, 6}); }

TEST(CpuTensorOps, CheckedNumElements) {
  EXPECT_EQ(*checkedNumElements({2, 3, 4}, "x"), 24);
  EXPECT_EQ(*checkedNumElements({}, "x"), 1);
  EXPECT_EQ(*checkedNumElements({0, kInt64Max}, "x"), 0);
  EXPECT_ERROR(checkedNumElements({2, -3}, "splat"), "dim 1 is negative (-3)");
  // Overflows int64: refused, not wrapped.
  EXPECT_ERROR(checkedNumElements({int64_t(1) << 32, int64_t(1) << 32}, "x"),
               "elements");
  EXPECT_ERROR(checkedNumElements({kMaxTensorElements + 1}, "x"),
               "the limit of one tensor");
  EXPECT_EQ(*heldBytes(DType::BF16, {2, 3}, "x"), 24); // held as fp32
  EXPECT_EQ(*heldBytes(DType::I32, {2, 3}, "x"), 48);  // held as int64
}

TEST(CpuTensorOps, ExtractSlice) {
  // Column 1..2 of both rows.
  Expected<Tensor> s = extractSlice(matrix(), {0, 1}, {2, 2}, {1, 1});
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->shape(), Shape({2, 2}));
  EXPECT_EQ(s->f(), std::vector<float>({2, 3, 5, 6}));
  // Stride 2 over the columns of row 1, rank-reduced.
  s = extractSlice(matrix(), {1, 0}, {1, 2}, {1, 2}, {0});
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->shape(), Shape({2}));
  EXPECT_EQ(s->f(), std::vector<float>({4, 6}));
  // Empty slices at the end are fine.
  s = extractSlice(matrix(), {2, 0}, {0, 3}, {1, 1});
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->numel(), 0);
}

TEST(CpuTensorOps, ExtractSliceRefusesOutOfBounds) {
  EXPECT_ERROR(extractSlice(matrix(), {-1, 0}, {1, 3}, {1, 1}),
               "dim 0 (offset -1, size 1, stride 1) has a negative offset");
  EXPECT_ERROR(extractSlice(matrix(), {0, 0}, {-2, 3}, {1, 1}),
               "negative size");
  EXPECT_ERROR(extractSlice(matrix(), {0, 0}, {2, 3}, {1, 0}),
               "stride below 1");
  EXPECT_ERROR(extractSlice(matrix(), {0, 1}, {2, 3}, {1, 1}),
               "dim 1 (offset 1, size 3, stride 1) reaches outside");
  // offset + (size - 1) * stride overflows int64: must not wrap into range.
  EXPECT_ERROR(extractSlice(matrix(), {0, 0}, {2, 2}, {1, kInt64Max}),
               "reaches outside");
  EXPECT_ERROR(extractSlice(matrix(), {0, kInt64Max}, {2, 2}, {1, 1}),
               "reaches outside");
  EXPECT_ERROR(extractSlice(matrix(), {0, 4}, {2, 0}, {1, 1}),
               "starts outside");
  EXPECT_ERROR(extractSlice(matrix(), {0}, {2}, {1}), "1 offsets");
  EXPECT_ERROR(extractSlice(matrix(), {0, 0}, {2, 3}, {1, 1}, {0}),
               "dropped dim 0 has size 2");
}

TEST(CpuTensorOps, Concat) {
  Tensor a = matrix();
  Tensor b = f32({2, 1}, {7, 8});
  Expected<Tensor> c = concat({&a, &b}, 1);
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->shape(), Shape({2, 4}));
  EXPECT_EQ(c->f(), std::vector<float>({1, 2, 3, 7, 4, 5, 6, 8}));
  c = concat({&a, &a}, 0);
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->shape(), Shape({4, 3}));
  EXPECT_ERROR(concat({&a, &b}, 0), "disagree in dim 1: 1 vs 3");
  EXPECT_ERROR(concat({&a}, 2), "dim 2 is outside the rank");
  EXPECT_ERROR(concat({}, 0), "no operands");
  Tensor ints = Tensor::ints(DType::I32, {2, 1}, {1, 2});
  EXPECT_ERROR(concat({&a, &ints}, 1), "differ in dtype or rank");
}

TEST(CpuTensorOps, Reshapes) {
  Expected<Tensor> r = reshape(matrix(), {3, 2});
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->shape(), Shape({3, 2}));
  EXPECT_ERROR(reshape(matrix(), {-2, -3}), "negative");
  EXPECT_ERROR(reshape(matrix(), {kInt64Max, 2}), "elements");
  EXPECT_ERROR(reshape(matrix(), {4, 2}), "element counts differ");
  Expected<Tensor> c =
      collapseShape(f32({2, 3, 1}, {1, 2, 3, 4, 5, 6}), {{0}, {1, 2}});
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->shape(), Shape({2, 3}));
  EXPECT_ERROR(collapseShape(matrix(), {{1}, {0}}), "in order");
  EXPECT_ERROR(collapseShape(matrix(), {{0}}), "covers 1 of the 2 dims");
}

TEST(CpuTensorOps, SplatEmptyConstants) {
  Expected<Tensor> s = splatFloat(DType::BF16, {2, 2}, 1.00390625);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->f(), std::vector<float>(4, 1.0f)); // rounded to bf16
  s = splatInt(DType::I32, {3}, 7);
  ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(s->i(), std::vector<int64_t>(3, 7));
  EXPECT_ERROR(splatFloat(DType::F32, {-1}, 0.0), "dim 0 is negative (-1)");
  EXPECT_ERROR(splatFloat(DType::F32, {kInt64Max, kInt64Max}, 0.0),
               "the limit of one tensor");
  EXPECT_ERROR(splatInt(DType::F32, {1}, 0), "not an integer dtype");
  EXPECT_ERROR(splatFloat(DType::I8, {1}, 0), "not a float dtype");
  Expected<Tensor> e = empty(DType::F16, {2, 0});
  ASSERT_TRUE(e) << e.message();
  EXPECT_EQ(e->shape(), Shape({2, 0}));
  EXPECT_ERROR(empty(DType::F32, {int64_t(1) << 41}), "limit of one tensor");
  Expected<Tensor> c = constantFloats(DType::F32, {2}, {1.5f, 2.5f});
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->f(), std::vector<float>({1.5f, 2.5f}));
  EXPECT_ERROR(constantFloats(DType::F32, {3}, {1.0f}), "1 values for 3");
  EXPECT_ERROR(constantInts(DType::I64, {2}, {1}), "1 values for 2");
}

TEST(CpuTensorOps, DimSize) {
  EXPECT_EQ(*dimSize(matrix(), 1), 3);
  EXPECT_ERROR(dimSize(matrix(), 2),
               "dim index 2 is out of range for F32[2, 3]");
  EXPECT_ERROR(dimSize(matrix(), -1), "dim index -1");
}

TEST(CpuElementwise, BinaryRoundsToTheResultType) {
  Tensor a = f32({3}, {1, -2, NAN});
  Tensor b = f32({3}, {2, 5, 0});
  EXPECT_EQ(binary(BinaryFn::Add, a, b, DType::F32)->f()[0], 3.0f);
  EXPECT_EQ(binary(BinaryFn::Sub, a, b, DType::F32)->f()[1], -7.0f);
  EXPECT_EQ(binary(BinaryFn::Mul, a, b, DType::F32)->f()[1], -10.0f);
  EXPECT_EQ(binary(BinaryFn::Div, a, b, DType::F32)->f()[0], 0.5f);
  Expected<Tensor> m = binary(BinaryFn::Maximum, a, b, DType::F32);
  ASSERT_TRUE(m) << m.message();
  EXPECT_EQ(m->f()[1], 5.0f);
  EXPECT_TRUE(std::isnan(m->f()[2])); // maximumf propagates NaN
  EXPECT_TRUE(std::isnan(binary(BinaryFn::Minimum, a, b, DType::F32)->f()[2]));
  // 1 + 2^-8 is a bf16 tie: rounds to even (1).
  Tensor one = f32({1}, {1.0f});
  Tensor tiny = f32({1}, {0x1p-8f});
  Expected<Tensor> sum = binary(BinaryFn::Add, one, tiny, DType::BF16);
  ASSERT_TRUE(sum) << sum.message();
  EXPECT_EQ(sum->dtype(), DType::BF16);
  EXPECT_EQ(sum->f()[0], 1.0f);
  EXPECT_ERROR(binary(BinaryFn::Add, a, one, DType::F32),
               "arith.addf: operand 'rhs'");
  Tensor ints = Tensor::ints(DType::I32, {3}, {1, 2, 3});
  EXPECT_ERROR(binary(BinaryFn::Mul, a, ints, DType::F32), "float tensor");
  EXPECT_ERROR(binary(BinaryFn::Mul, a, b, DType::I32), "result type I32");
}

TEST(CpuElementwise, Unary) {
  Tensor a = f32({2}, {1.01171875f, -3.0f});
  Expected<Tensor> n = unary(UnaryFn::Neg, a, DType::F32);
  ASSERT_TRUE(n) << n.message();
  EXPECT_EQ(n->f(), std::vector<float>({-1.01171875f, 3.0f}));
  // 1 + 3 * 2^-8 -> 1 + 2^-6 in bf16 (ties to even).
  Expected<Tensor> c = unary(UnaryFn::Cast, a, DType::BF16);
  ASSERT_TRUE(c) << c.message();
  EXPECT_EQ(c->f()[0], 1.015625f);
  EXPECT_ERROR(
      unary(UnaryFn::Neg, Tensor::ints(DType::I8, {1}, {1}), DType::F32),
      "arith.negf: operand 'operand'");
}

} // namespace
