//===- NormKernelTest.cpp - kernel.norm on the sim and through NVRTC ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/norm.cuh on the sim against the CPU reference
// (ds::cpu::rmsNorm / addRmsNorm): the residual sum bit for bit, the normed
// row within one unit in the last place of bf16/f16 and within 2e-6 relative
// in fp32 (the sum of squares is a tree, not left to right); and through
// NVRTC for sm_90a without local memory.
//
//===----------------------------------------------------------------------===//

#include "norm_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using ds::DType;
using namespace ds::test;

struct Case {
  const char *entry;
  DType type;
  unsigned threads;
};

template <class T>
void run(void (*fn)(ds::gptr<const T>, ds::gptr<const T>, ds::gptr<const T>,
                    ds::gptr<T>, ds::gptr<T>, int, float),
         Case c, int rows, int d, bool residual, uint64_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> x(rows * d), r(rows * d), w(d);
  for (float &v : x)
    v = normal(rng);
  for (float &v : r)
    v = normal(rng);
  for (float &v : w)
    v = 1.0f + 0.1f * normal(rng);
  const float eps = 1e-6f;
  ds::cpu::Tensor tx = ds::cpu::Tensor::floats(c.type, {rows, d}, x);
  ds::cpu::Tensor tr = ds::cpu::Tensor::floats(c.type, {rows, d}, r);
  ds::cpu::Tensor tw = ds::cpu::Tensor::floats(c.type, {d}, w);

  std::vector<uint8_t> bx = encode(c.type, tx.f()), br = encode(c.type, tr.f()),
                       bw = encode(c.type, tw.f());
  std::vector<uint8_t> by(bx.size()), bs(bx.size());
  ds::sim::Device dev;
  dev.options().seed = seed;
  ASSERT_TRUE(dev.registerBuffer(bx.data(), bx.size(), "x", true).ok());
  ASSERT_TRUE(dev.registerBuffer(br.data(), br.size(), "residual", true).ok());
  ASSERT_TRUE(dev.registerBuffer(bw.data(), bw.size(), "weight", true).ok());
  ASSERT_TRUE(dev.registerBuffer(by.data(), by.size(), "y").ok());
  ASSERT_TRUE(dev.registerBuffer(bs.data(), bs.size(), "sum").ok());
  auto in = [](std::vector<uint8_t> &b) {
    return reinterpret_cast<const T *>(b.data());
  };
  auto out = [](std::vector<uint8_t> &b) {
    return reinterpret_cast<T *>(b.data());
  };
  ds::Status s =
      ds::sim::launch(dev, fn, c.entry, {unsigned(rows)}, {c.threads}, 0,
                      in(bx), residual ? in(br) : nullptr, in(bw), out(by),
                      residual ? out(bs) : nullptr, d, eps);
  ASSERT_TRUE(s.ok()) << s.message();

  ds::cpu::Tensor expected, expectedSum;
  if (residual) {
    auto ref = ds::cpu::addRmsNorm(tx, tr, tw, eps, c.type);
    ASSERT_TRUE(ref.ok()) << ref.message();
    expected = ref->normed;
    expectedSum = ref->sum;
    EXPECT_EQ(decode(c.type, bs), expectedSum.f()) << c.entry;
  } else {
    auto ref = ds::cpu::rmsNorm(tx, tw, eps, c.type);
    ASSERT_TRUE(ref.ok()) << ref.message();
    expected = *ref;
  }
  std::vector<float> y = decode(c.type, by);
  double worst = 0;
  for (size_t i = 0; i < y.size(); ++i)
    worst = std::max(worst, ulps(c.type, y[i], expected.f()[i]));
  // bf16/f16: at most one rounding step apart. fp32: the reference sums the
  // squares left to right, the kernel as a tree; their sums differ by up to
  // about d·2⁻²⁴ relative (21 ulps at d = 7168 seen), far inside the fp32
  // golden tolerance of 1e-4: bound it at 2e-6 relative (32 ulps).
  EXPECT_LE(worst, c.type == DType::F32 ? 32.0 : 1.0)
      << c.entry << " d = " << d << " residual " << residual;
}

TEST(NormKernel, F32MatchesTheReference) {
  for (bool residual : {false, true})
    for (int d : {96, 4096, 7168})
      run(norm_f32_256, {"norm_f32_256", DType::F32, 256}, 3, d, residual,
          7 + d);
}

TEST(NormKernel, Bf16MatchesTheReference) {
  for (bool residual : {false, true})
    for (int d : {64, 2048})
      run(norm_bf16_256, {"norm_bf16_256", DType::BF16, 256}, 4, d, residual,
          11 + d);
}

TEST(NormKernel, F16MatchesTheReference) {
  for (bool residual : {false, true})
    run(norm_f16_64, {"norm_f16_64", DType::F16, 64}, 2, 200, residual, 5);
}

TEST(NormKernel, CompilesWithNvrtcWithoutLocalMemory) {
  const std::string text = readFile(DS_NORM_KERNELS);
  for (const char *entry : {"norm_f32_256", "norm_bf16_256", "norm_f16_64"}) {
    llvm::Expected<ds::codegen::CompiledKernel> k =
        ds::codegen::compileKernel({entry, entry, text}, nvrtcOptions());
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    EXPECT_NE(k->ptx.find(std::string(".entry ") + entry), std::string::npos);
    expectNoLocalMemory(entry, *k);
  }
}

} // namespace
