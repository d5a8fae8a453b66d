//===- ElementwiseKernelTest.cpp - kernel.elementwise, sim and NVRTC ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/elementwise.cuh on the sim against the CPU reference
// (ds::cpu::binary / unary / swiglu / sigmoidGate): arith bit for bit (one
// fp32 operation, one rounding); swiglu and sigmoid_gate within one bf16 ulp
// and 8 fp32 ulps (the device's expf against the host's std::exp); and
// through NVRTC for sm_90a without local memory.
//
//===----------------------------------------------------------------------===//

#include "elementwise_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/elementwise.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using ds::DType;
using ds::cpu::Tensor;
using namespace ds::test;

/// The largest distance in ulps of `type` (NaN must meet NaN).
double worstUlps(DType type, const std::vector<float> &got,
                 const std::vector<float> &want) {
  EXPECT_EQ(got.size(), want.size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
      continue;
    }
    worst =
        std::max(worst, std::fabs(got[i] - want[i]) / spacingAt(type, want[i]));
  }
  return worst;
}

/// Registers the buffers and launches `fn` over a 2-block grid of 128.
template <class... A, class... P>
void launch(void (*fn)(A...), const char *name,
            std::vector<std::vector<uint8_t> *> buffers, P... params) {
  ds::sim::Device dev;
  for (size_t i = 0; i < buffers.size(); ++i)
    ASSERT_TRUE(dev.registerBuffer(buffers[i]->data(), buffers[i]->size(),
                                   "buffer" + std::to_string(i),
                                   i + 1 < buffers.size())
                    .ok());
  ds::Status s = ds::sim::launch(dev, fn, name, {2}, {128}, 0, params...);
  ASSERT_TRUE(s.ok()) << s.message();
}

TEST(ElementwiseKernel, ArithIsBitExact) {
  const long n = 1000;
  // add bf16, div f32, maximum f32 and minimum bf16 with NaNs.
  {
    Tensor a = randomTensor(DType::BF16, {n}, 1, 3.0f),
           b = randomTensor(DType::BF16, {n}, 2, 3.0f);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 2);
    launch(add_bf16, "add_bf16", {&ba, &bb, &by}, as<const __nv_bfloat16>(ba),
           as<const __nv_bfloat16>(bb), as<__nv_bfloat16>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Add, a, b, DType::BF16);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::BF16, decode(DType::BF16, by), ref->f()), 0.0);
  }
  {
    Tensor a = randomTensor(DType::F32, {n}, 3, 3.0f),
           b = randomTensor(DType::F32, {n}, 4, 3.0f);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 4);
    launch(div_f32, "div_f32", {&ba, &bb, &by}, as<const float>(ba),
           as<const float>(bb), as<float>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Div, a, b, DType::F32);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F32, decode(DType::F32, by), ref->f()), 0.0);
  }
  {
    Tensor a = randomTensor(DType::F32, {n}, 5, 3.0f, true),
           b = randomTensor(DType::F32, {n}, 6, 3.0f);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 4);
    launch(maximum_f32, "maximum_f32", {&ba, &bb, &by}, as<const float>(ba),
           as<const float>(bb), as<float>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Maximum, a, b, DType::F32);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F32, decode(DType::F32, by), ref->f()), 0.0);
  }
  {
    Tensor a = randomTensor(DType::BF16, {n}, 7, 3.0f),
           b = randomTensor(DType::BF16, {n}, 8, 3.0f, true);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 2);
    launch(minimum_bf16, "minimum_bf16", {&ba, &bb, &by},
           as<const __nv_bfloat16>(ba), as<const __nv_bfloat16>(bb),
           as<__nv_bfloat16>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Minimum, a, b, DType::BF16);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::BF16, decode(DType::BF16, by), ref->f()), 0.0);
  }
}

TEST(ElementwiseKernel, NegAndCastAreBitExact) {
  const long n = 777;
  {
    Tensor a = randomTensor(DType::F16, {n}, 9, 3.0f);
    std::vector<uint8_t> ba = encode(a), by(n * 2);
    launch(neg_f16, "neg_f16", {&ba, &by}, as<const __half>(ba),
           as<const __half>(ba), as<__half>(by), n);
    auto ref = ds::cpu::unary(ds::cpu::UnaryFn::Neg, a, DType::F16);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F16, decode(DType::F16, by), ref->f()), 0.0);
  }
  {
    Tensor a = randomTensor(DType::BF16, {n}, 10, 3.0f);
    std::vector<uint8_t> ba = encode(a), by(n * 4);
    launch(cast_bf16_f32, "cast_bf16_f32", {&ba, &by},
           as<const __nv_bfloat16>(ba), as<const __nv_bfloat16>(ba),
           as<float>(by), n);
    auto ref = ds::cpu::unary(ds::cpu::UnaryFn::Cast, a, DType::F32);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F32, decode(DType::F32, by), ref->f()), 0.0);
  }
}

TEST(ElementwiseKernel, SwigluAndSigmoidGateMatchTheReference) {
  const long t = 9, h = 130;
  for (DType type : {DType::BF16, DType::F32}) {
    Tensor g = randomTensor(type, {t, h}, 11, 3.0f),
           u = randomTensor(type, {t, h}, 12, 3.0f);
    std::vector<uint8_t> bg = encode(g), bu = encode(u),
                         by(t * h * widthOf(type));
    if (type == DType::BF16)
      launch(swiglu_bf16, "swiglu_bf16", {&bg, &bu, &by},
             as<const __nv_bfloat16>(bg), as<const __nv_bfloat16>(bu),
             as<__nv_bfloat16>(by), t * h);
    else
      launch(swiglu_f32, "swiglu_f32", {&bg, &bu, &by}, as<const float>(bg),
             as<const float>(bu), as<float>(by), t * h);
    auto ref = ds::cpu::swiglu(g, u, type);
    ASSERT_TRUE(ref.ok());
    EXPECT_LE(worstUlps(type, decode(type, by), ref->f()),
              type == DType::F32 ? 8.0 : 1.0)
        << ds::dtypeName(type);
  }
  Tensor x = randomTensor(DType::BF16, {t, h}, 13, 3.0f),
         l = randomTensor(DType::BF16, {t, 1}, 14, 3.0f);
  std::vector<uint8_t> bx = encode(x), bl = encode(l), by(t * h * 2);
  launch(sigmoid_gate_bf16, "sigmoid_gate_bf16", {&bx, &bl, &by},
         as<const __nv_bfloat16>(bx), as<const __nv_bfloat16>(bl),
         as<__nv_bfloat16>(by), t, h);
  auto ref = ds::cpu::sigmoidGate(x, l, DType::BF16);
  ASSERT_TRUE(ref.ok());
  EXPECT_LE(worstUlps(DType::BF16, decode(DType::BF16, by), ref->f()), 1.0);
}

TEST(ElementwiseKernel, CompilesWithNvrtcWithoutLocalMemory) {
  const std::string text = readFile(DS_ELEMENTWISE_KERNELS);
  for (const char *entry :
       {"add_bf16", "div_f32", "maximum_f32", "minimum_bf16", "neg_f16",
        "cast_bf16_f32", "swiglu_bf16", "swiglu_f32", "sigmoid_gate_bf16"}) {
    llvm::Expected<ds::codegen::CompiledKernel> k =
        ds::codegen::compileKernel({entry, entry, text}, nvrtcOptions());
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    expectNoLocalMemory(entry, *k);
  }
}

} // namespace
