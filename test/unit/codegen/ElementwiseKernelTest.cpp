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

#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/elementwise.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace {

using ds::DType;
using ds::cpu::Tensor;

size_t widthOf(DType t) { return t == DType::F32 ? 4 : 2; }

std::vector<uint8_t> encode(const Tensor &t) {
  std::vector<uint8_t> out(t.numel() * widthOf(t.dtype()));
  for (int64_t i = 0; i < t.numel(); ++i) {
    float v = t.f()[i];
    if (t.dtype() == DType::F32) {
      std::memcpy(&out[i * 4], &v, 4);
    } else {
      uint16_t b =
          t.dtype() == DType::BF16 ? ds::floatToBf16(v) : ds::floatToF16(v);
      std::memcpy(&out[i * 2], &b, 2);
    }
  }
  return out;
}

std::vector<float> decode(DType type, const std::vector<uint8_t> &bytes) {
  std::vector<float> out(bytes.size() / widthOf(type));
  EXPECT_TRUE(ds::decodeToFloat(type, bytes.data(), out.data(), out.size()));
  return out;
}

Tensor random(DType type, ds::cpu::Shape shape, uint64_t seed,
              bool nans = false) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> v(ds::cpu::numElements(shape));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = nans && i % 17 == 3 ? NAN : normal(rng);
  return Tensor::floats(type, shape, v);
}

/// The largest distance in ulps of `type` (NaN must meet NaN).
double worstUlps(DType type, const std::vector<float> &got,
                 const std::vector<float> &want) {
  EXPECT_EQ(got.size(), want.size());
  int mantissa = type == DType::F32 ? 23 : type == DType::BF16 ? 7 : 10;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
      continue;
    }
    float scale = std::max(std::fabs(want[i]), 1e-30f);
    double spacing = std::ldexp(1.0, std::ilogb(scale) - mantissa);
    worst = std::max(worst, std::fabs(got[i] - want[i]) / spacing);
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

template <class T> T *as(std::vector<uint8_t> &b) {
  return reinterpret_cast<T *>(b.data());
}

TEST(ElementwiseKernel, ArithIsBitExact) {
  const long n = 1000;
  // add bf16, div f32, maximum f32 and minimum bf16 with NaNs.
  {
    Tensor a = random(DType::BF16, {n}, 1), b = random(DType::BF16, {n}, 2);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 2);
    launch(add_bf16, "add_bf16", {&ba, &bb, &by}, as<const __nv_bfloat16>(ba),
           as<const __nv_bfloat16>(bb), as<__nv_bfloat16>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Add, a, b, DType::BF16);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::BF16, decode(DType::BF16, by), ref->f()), 0.0);
  }
  {
    Tensor a = random(DType::F32, {n}, 3), b = random(DType::F32, {n}, 4);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 4);
    launch(div_f32, "div_f32", {&ba, &bb, &by}, as<const float>(ba),
           as<const float>(bb), as<float>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Div, a, b, DType::F32);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F32, decode(DType::F32, by), ref->f()), 0.0);
  }
  {
    Tensor a = random(DType::F32, {n}, 5, true), b = random(DType::F32, {n}, 6);
    std::vector<uint8_t> ba = encode(a), bb = encode(b), by(n * 4);
    launch(maximum_f32, "maximum_f32", {&ba, &bb, &by}, as<const float>(ba),
           as<const float>(bb), as<float>(by), n);
    auto ref = ds::cpu::binary(ds::cpu::BinaryFn::Maximum, a, b, DType::F32);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F32, decode(DType::F32, by), ref->f()), 0.0);
  }
  {
    Tensor a = random(DType::BF16, {n}, 7),
           b = random(DType::BF16, {n}, 8, true);
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
    Tensor a = random(DType::F16, {n}, 9);
    std::vector<uint8_t> ba = encode(a), by(n * 2);
    launch(neg_f16, "neg_f16", {&ba, &by}, as<const __half>(ba),
           as<const __half>(ba), as<__half>(by), n);
    auto ref = ds::cpu::unary(ds::cpu::UnaryFn::Neg, a, DType::F16);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(worstUlps(DType::F16, decode(DType::F16, by), ref->f()), 0.0);
  }
  {
    Tensor a = random(DType::BF16, {n}, 10);
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
    Tensor g = random(type, {t, h}, 11), u = random(type, {t, h}, 12);
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
  Tensor x = random(DType::BF16, {t, h}, 13),
         l = random(DType::BF16, {t, 1}, 14);
  std::vector<uint8_t> bx = encode(x), bl = encode(l), by(t * h * 2);
  launch(sigmoid_gate_bf16, "sigmoid_gate_bf16", {&bx, &bl, &by},
         as<const __nv_bfloat16>(bx), as<const __nv_bfloat16>(bl),
         as<__nv_bfloat16>(by), t, h);
  auto ref = ds::cpu::sigmoidGate(x, l, DType::BF16);
  ASSERT_TRUE(ref.ok());
  EXPECT_LE(worstUlps(DType::BF16, decode(DType::BF16, by), ref->f()), 1.0);
}

TEST(ElementwiseKernel, CompilesWithNvrtcWithoutLocalMemory) {
  std::ifstream in(DS_ELEMENTWISE_KERNELS);
  std::ostringstream text;
  text << in.rdbuf();
  ds::codegen::NvrtcOptions options;
  options.cacheDir = "none";
  options.extraOptions = {std::string("-I") + DS_SOURCE_DIR,
                          std::string("-I") + DS_RUNTIME_INCLUDE_DIR,
                          std::string("-I") + DS_CUDA_INCLUDE_DIR};
  for (const char *entry :
       {"add_bf16", "div_f32", "maximum_f32", "minimum_bf16", "neg_f16",
        "cast_bf16_f32", "swiglu_bf16", "swiglu_f32", "sigmoid_gate_bf16"}) {
    llvm::Expected<ds::codegen::CompiledKernel> k =
        ds::codegen::compileKernel({entry, entry, text.str()}, options);
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    llvm::Error e =
        ds::codegen::checkNoLocalMemory({entry, entry, ""}, k->report);
    EXPECT_FALSE(static_cast<bool>(e)) << llvm::toString(std::move(e));
  }
}

} // namespace
