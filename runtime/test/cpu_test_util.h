//===- cpu_test_util.h - helpers of the CPU reference tests -----*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_TEST_CPU_TEST_UTIL_H
#define DS_RUNTIME_TEST_CPU_TEST_UTIL_H

#include "ds/cpu/tensor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ds::cpu::test {

/// An F32 tensor of `shape` holding `values`.
inline Tensor f32(Shape shape, std::vector<float> values) {
  return Tensor::floats(DType::F32, std::move(shape), std::move(values));
}

} // namespace ds::cpu::test

/// Expects `expr` (an Expected or Status) to fail with a message containing
/// `text`.
#define EXPECT_ERROR(expr, text)                                               \
  do {                                                                         \
    auto result_ = (expr);                                                     \
    ASSERT_FALSE(result_.ok());                                                \
    EXPECT_NE(result_.message().find(text), std::string::npos)                 \
        << result_.message();                                                  \
  } while (false)

#endif // DS_RUNTIME_TEST_CPU_TEST_UTIL_H
