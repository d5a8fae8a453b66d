//===- AsyncCopyTest.cpp - cp.async on the sim and through NVRTC ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/ds_async.cuh on the sim: zero-fill for src-size < cp-size
// (16, 8 and 4 bytes), wait_group 1 in a 3-stage ring retiring exactly the
// oldest group, and the planted bugs: a tile read before its wait (its own
// bytes read 0xFF; a neighbour's is a race at the wait), a tile read by
// another thread after the wait without a barrier, and a stage refilled
// before a barrier (shared-memory races naming kernel, block, thread and
// the array). The same source through NVRTC for sm_90a.
//
//===----------------------------------------------------------------------===//

#include "async_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace ds::test;

TEST(AsyncCopy, ZeroFillsPastTheSourceBytes) {
  std::vector<unsigned char> src(64 * 16), out(64 * 16, 0);
  for (size_t i = 0; i < src.size(); ++i)
    src[i] = static_cast<unsigned char>(1 + i % 251);
  ds::sim::Device dev;
  ASSERT_TRUE(dev.registerBuffer(src.data(), src.size(), "src", true).ok());
  ASSERT_TRUE(dev.registerBuffer(out.data(), out.size(), "out").ok());
  ds::Status s = ds::sim::launch(dev, async_zero_fill, "async_zero_fill", {1},
                                 {64}, 0, src.data(), out.data());
  ASSERT_TRUE(s.ok()) << s.message();
  for (int t = 0; t < 64; ++t) {
    int size = t < 32 ? 16 : t < 48 ? 8 : 4;
    int bytes = t < 32 ? t % 17 : t < 48 ? t % 9 : t % 5;
    for (int i = 0; i < 16; ++i) {
      int want = i < bytes ? src[t * 16 + i] : i < size ? 0 : 0x5a;
      EXPECT_EQ(int(out[t * 16 + i]), want)
          << "thread " << t << " byte " << i << " (cp-size " << size
          << ", src-size " << bytes << ")";
    }
  }
}

TEST(AsyncCopy, WaitGroupRetiresTheOldestGroupsOfARing) {
  const int tiles = 6;
  std::vector<float> src(tiles * 64), seen(tiles * 2 * 64, 0.0f);
  for (size_t i = 0; i < src.size(); ++i)
    src[i] = float(i);
  for (uint64_t seed : {1u, 2u, 3u}) {
    ds::sim::Device dev;
    dev.options().seed = seed;
    ASSERT_TRUE(
        dev.registerBuffer(src.data(), src.size() * 4, "src", true).ok());
    ASSERT_TRUE(dev.registerBuffer(seen.data(), seen.size() * 4, "seen").ok());
    ds::Status s = ds::sim::launch(dev, async_ring, "async_ring", {1}, {64}, 0,
                                   src.data(), seen.data(), tiles);
    ASSERT_TRUE(s.ok()) << s.message();
    for (int kt = 0; kt < tiles; ++kt)
      for (int t = 0; t < 64; ++t) {
        // Tile kt has landed everywhere (the neighbour's element) ...
        EXPECT_EQ(seen[(kt * 2) * 64 + t], src[kt * 64 + (t + 1) % 64])
            << "tile " << kt << " thread " << t;
        // ... tile kt + 1 is still in flight (0xFF bytes: NaN); after the
        // last tile the slot holds tile kt - 2.
        float own = seen[(kt * 2 + 1) * 64 + t];
        if (kt + 1 < tiles)
          EXPECT_TRUE(std::isnan(own)) << "tile " << kt + 1 << " thread " << t;
        else
          EXPECT_EQ(own, src[(kt - 2) * 64 + t]);
      }
  }
}

std::vector<float> iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = float(i) + 0.5f;
  return v;
}

template <class Fn>
ds::Status runBug(Fn fn, const char *name, int flag, size_t outFloats,
                  std::vector<float> &out) {
  static std::vector<float> src = iota(2 * 64 * 4);
  out.assign(outFloats, 0.0f);
  ds::sim::Device dev;
  EXPECT_TRUE(dev.registerBuffer(src.data(), src.size() * 4, "src", true).ok());
  EXPECT_TRUE(dev.registerBuffer(out.data(), out.size() * 4, "out").ok());
  ds::Status s = ds::sim::launch(dev, fn, name, {1}, {64}, 0, src.data(),
                                 out.data(), flag);
  // A launch that ends with a hazard leaves its threads' copies pending.
  ds::async_detail::forgetPendingCopies();
  return s;
}

/// The race message names the kernel, the block, both threads and the
/// shared array.
void expectRace(const ds::Status &s, const char *kernel) {
  ASSERT_FALSE(s.ok()) << kernel << " ran without a hazard";
  const std::string &m = s.message();
  EXPECT_NE(m.find(std::string("kernel '") + kernel + "'"), std::string::npos)
      << m;
  EXPECT_NE(m.find("block (0,0,0)"), std::string::npos) << m;
  EXPECT_NE(m.find("thread ("), std::string::npos) << m;
  EXPECT_NE(m.find("shared-memory race"), std::string::npos) << m;
  EXPECT_NE(m.find("'tile'"), std::string::npos) << m;
}

TEST(AsyncCopy, ReadingATileBeforeItsWaitSeesWrongData) {
  std::vector<float> out;
  ds::Status s =
      runBug(async_read_before_wait, "async_read_before_wait", 1, 256, out);
  ASSERT_TRUE(s.ok()) << s.message(); // its own bytes: no other thread
  size_t wrong = 0;
  for (size_t i = 0; i < out.size(); ++i)
    wrong += out[i] != float(i) + 0.5f;
  EXPECT_EQ(wrong, out.size()); // every element read 0xFF (NaN)
  // A neighbour's bytes read before the issuer's wait: a race at the wait.
  expectRace(
      runBug(async_read_before_wait, "async_read_before_wait", 0, 256, out),
      "async_read_before_wait");
}

TEST(AsyncCopy, ReadingAnotherThreadsTileWithoutABarrierIsARace) {
  std::vector<float> out;
  ds::Status ok = runBug(async_no_barrier, "async_no_barrier", 1, 256, out);
  ASSERT_TRUE(ok.ok()) << ok.message();
  for (int t = 0; t < 64; ++t)
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(out[t * 4 + i], float(((t + 1) % 64) * 4 + i) + 0.5f);
  expectRace(runBug(async_no_barrier, "async_no_barrier", 0, 256, out),
             "async_no_barrier");
}

TEST(AsyncCopy, RefillingAStageBeforeABarrierIsARace) {
  std::vector<float> out;
  ds::Status ok = runBug(async_refill, "async_refill", 1, 512, out);
  ASSERT_TRUE(ok.ok()) << ok.message();
  for (int k = 0; k < 2; ++k)
    for (int t = 0; t < 64; ++t)
      EXPECT_EQ(out[(k * 64 + t) * 4],
                float((k * 64 + (t + 1) % 64) * 4) + 0.5f);
  expectRace(runBug(async_refill, "async_refill", 0, 512, out), "async_refill");
}

TEST(AsyncCopy, CompilesWithNvrtcWithoutLocalMemory) {
  llvm::Expected<ds::codegen::CompiledKernel> k = ds::codegen::compileKernel(
      {"async_ring", "async_ring", readFile(DS_ASYNC_KERNELS)}, nvrtcOptions());
  ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
  for (const char *op :
       {"cp.async.ca.shared.global", "cp.async.cg.shared.global",
        "cp.async.commit_group", "cp.async.wait_group 1", "cp.async.wait_all"})
    EXPECT_NE(k->ptx.find(op), std::string::npos) << op;
  expectNoLocalMemory("async_ring", *k);
}

} // namespace
