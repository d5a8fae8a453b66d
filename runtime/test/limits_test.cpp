//===- limits_test.cpp - size ceilings and checked arithmetic -------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/limits.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(Limits, CheckedMul) {
  EXPECT_EQ(ds::checkedMul(3, 4), 12);
  EXPECT_EQ(ds::checkedMul(-3, 4), -12);
  EXPECT_EQ(ds::checkedMul(kMax, 1), kMax);
  EXPECT_EQ(ds::checkedMul(int64_t(1) << 31, int64_t(1) << 31), int64_t(1)
                                                                    << 62);
  EXPECT_FALSE(ds::checkedMul(int64_t(1) << 32, int64_t(1) << 31));
  EXPECT_FALSE(ds::checkedMul(kMax, 2));
  EXPECT_FALSE(ds::checkedMul(kMin, -1));
}

TEST(Limits, CheckedAdd) {
  EXPECT_EQ(ds::checkedAdd(kMax - 1, 1), kMax);
  EXPECT_FALSE(ds::checkedAdd(kMax, 1));
  EXPECT_FALSE(ds::checkedAdd(kMin, -1));
  EXPECT_EQ(ds::checkedAdd(kMin, kMax), -1);
}

TEST(Limits, CheckedProduct) {
  EXPECT_EQ(ds::checkedProduct({}), 1);
  EXPECT_EQ(ds::checkedProduct({2, 3, 4}), 24);
  EXPECT_EQ(ds::checkedProduct({0, kMax, kMax}), 0);
  // Negative dims are no sizes.
  EXPECT_FALSE(ds::checkedProduct({2, -1}));
  // The default limit is the element ceiling: 2^40 is allowed, 2^40 + 2^24
  // is not, and neither is a product that wraps int64.
  EXPECT_EQ(ds::checkedProduct({int64_t(1) << 20, int64_t(1) << 20}),
            ds::kMaxTensorElements);
  EXPECT_FALSE(ds::checkedProduct({(int64_t(1) << 16) + 1, ds::kMaxDimSize}));
  EXPECT_FALSE(ds::checkedProduct({int64_t(1) << 62, 4}));
  // An explicit limit, and any range of dims.
  EXPECT_FALSE(ds::checkedProduct({5, 5}, 24));
  std::vector<int64_t> dims{256, 2048, 7168};
  EXPECT_EQ(ds::checkedProduct(dims), int64_t(256) * 2048 * 7168);
}

} // namespace
