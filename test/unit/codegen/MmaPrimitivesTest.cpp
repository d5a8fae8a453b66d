//===- MmaPrimitivesTest.cpp - tensor-core primitives, sim and NVRTC ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/ds_mma.cuh on the sim (the PTX ISA's fragment layouts over
// the warp exchange) against a plain matrix product, and the same kernel
// source through NVRTC for sm_90a (the PTX holds the mma.sync and ldmatrix
// instructions).
//
//===----------------------------------------------------------------------===//

#include "mma_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace {

using namespace ds::test;

constexpr uint64_t kSeeds[] = {1, 7, 2026};

/// 16-bit storage and float value of each of `n` random values exactly
/// representable in bf16 (f16 when `f16`).
void randomHalves(std::mt19937 &rng, size_t n, bool f16,
                  std::vector<unsigned short> &bits,
                  std::vector<float> &values) {
  std::uniform_int_distribution<int> pick(-16, 16);
  bits.resize(n);
  values.resize(n);
  for (size_t i = 0; i < n; ++i) {
    float v = pick(rng) / 8.0f; // exact in bf16 and f16
    values[i] = v;
    bits[i] = f16 ? ds::floatToF16(v) : ds::floatToBf16(v);
  }
}

struct Case {
  bool f16;
  bool trans;
};

void runCase(Case c) {
  for (uint64_t seed : kSeeds) {
    std::mt19937 rng(seed);
    std::vector<unsigned short> a, b;
    std::vector<float> av, bv, cv(16 * 8), d(16 * 8, -1.0f);
    randomHalves(rng, 16 * 16, c.f16, a, av);
    randomHalves(rng, 16 * 8, c.f16, b, bv); // Bᵀ [8][16], or B [16][8]
    std::uniform_int_distribution<int> pick(-8, 8);
    for (float &x : cv)
      x = pick(rng) / 4.0f;

    ds::sim::Device dev;
    dev.options().seed = seed;
    ASSERT_TRUE(dev.registerBuffer(a.data(), a.size() * 2, "a", true).ok());
    ASSERT_TRUE(dev.registerBuffer(b.data(), b.size() * 2, "b", true).ok());
    ASSERT_TRUE(dev.registerBuffer(cv.data(), cv.size() * 4, "c", true).ok());
    ASSERT_TRUE(dev.registerBuffer(d.data(), d.size() * 4, "d").ok());
    ds::Status s = ds::sim::launch(dev, mma_tile, "mma_tile", {1}, {32}, 0,
                                   a.data(), b.data(), cv.data(), d.data(),
                                   int(c.f16), int(c.trans));
    ASSERT_TRUE(s.ok()) << s.message();

    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 8; ++j) {
        float acc = cv[i * 8 + j];
        for (int k = 0; k < 16; ++k) {
          float bkj = c.trans ? bv[k * 8 + j] : bv[j * 16 + k];
          acc += av[i * 16 + k] * bkj;
        }
        // Products of these values and their sums are exact in fp32.
        EXPECT_EQ(d[i * 8 + j], acc)
            << "seed " << seed << " at " << i << ", " << j;
      }
  }
}

TEST(MmaPrimitives, Bf16OnTheSim) { runCase({false, false}); }
TEST(MmaPrimitives, F16OnTheSim) { runCase({true, false}); }
TEST(MmaPrimitives, LdmatrixTransOnTheSim) { runCase({false, true}); }

TEST(MmaPrimitives, APartialWarpIsAHazard) {
  // The same kernel launched with a warp short of 32 threads: the warp
  // collective of ldmatrix names the missing lanes (a hazard, not garbage).
  std::vector<unsigned short> a(256), b(128);
  std::vector<float> cv(128), d(128);
  ds::sim::Device dev;
  ASSERT_TRUE(dev.registerBuffer(a.data(), 512, "a", true).ok());
  ASSERT_TRUE(dev.registerBuffer(b.data(), 256, "b", true).ok());
  ASSERT_TRUE(dev.registerBuffer(cv.data(), 512, "c", true).ok());
  ASSERT_TRUE(dev.registerBuffer(d.data(), 512, "d").ok());
  ds::Status s = ds::sim::launch(dev, mma_tile, "mma_tile", {1}, {16}, 0,
                                 a.data(), b.data(), cv.data(), d.data(), 0, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mma_tile"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ldmatrix"), std::string::npos) << s.message();
}

TEST(MmaPrimitives, AWrongLdmatrixFragmentIsAHazard) {
  // A planted bug: fragment row addresses one element off. The sim names
  // the kernel, the block, the thread and the address.
  std::vector<unsigned short> a(256, 0x3f80);
  std::vector<float> d(32);
  ds::sim::Device dev;
  ASSERT_TRUE(dev.registerBuffer(a.data(), 512, "a", true).ok());
  ASSERT_TRUE(dev.registerBuffer(d.data(), 128, "d").ok());
  ds::Status s =
      ds::sim::launch(dev, mma_tile_wrong_fragment, "mma_tile_wrong_fragment",
                      {1}, {32}, 0, a.data(), d.data());
  ASSERT_FALSE(s.ok());
  const std::string &m = s.message();
  EXPECT_NE(m.find("kernel 'mma_tile_wrong_fragment'"), std::string::npos) << m;
  EXPECT_NE(m.find("block (0,0,0)"), std::string::npos) << m;
  EXPECT_NE(m.find("thread ("), std::string::npos) << m;
  EXPECT_NE(m.find("row address 0x"), std::string::npos) << m;
  EXPECT_NE(m.find("not 16-byte aligned"), std::string::npos) << m;
}

TEST(MmaPrimitives, CompilesWithNvrtcToMmaSync) {
  llvm::Expected<ds::codegen::CompiledKernel> k = ds::codegen::compileKernel(
      {"mma_tile", "mma_tile", readFile(DS_MMA_KERNELS)}, nvrtcOptions());
  ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
  EXPECT_NE(k->ptx.find("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32"),
            std::string::npos);
  EXPECT_NE(k->ptx.find("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"),
            std::string::npos);
  EXPECT_NE(k->ptx.find("ldmatrix.sync.aligned.m8n8.x4.shared.b16"),
            std::string::npos);
  EXPECT_NE(k->ptx.find("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16"),
            std::string::npos);
  expectNoLocalMemory("mma_tile", *k);
}

} // namespace
