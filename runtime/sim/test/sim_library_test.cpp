//===- sim_library_test.cpp - Kernels through compile + dlopen ------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// sim/test/kernels.cuh compiled into a kernel library by the host compiler
// (compileKernelLibrary, cached), loaded with loadKernelLibrary and run: the
// path the sim backend takes with a module's kernel sources.
//
//===----------------------------------------------------------------------===//

#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace {

std::string kernelsSource() {
  std::ifstream in(DS_SIM_TEST_KERNELS);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SimLibrary : public ::testing::Test {
protected:
  void SetUp() override { setenv("DS_CACHE_DIR", DS_SIM_TEST_CACHE, 1); }
};

TEST_F(SimLibrary, CompilesLoadsAndRunsAKernel) {
  std::string source = kernelsSource();
  ASSERT_FALSE(source.empty());
  auto t0 = std::chrono::steady_clock::now();
  ds::Expected<std::string> so = ds::sim::compileKernelLibrary(source);
  ASSERT_TRUE(so.ok()) << so.message();
  auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(so->rfind(ds::sim::cacheDirectory(), 0), 0u) << *so;
  // The second compile is a cache hit: the same library, at once.
  ds::Expected<std::string> again = ds::sim::compileKernelLibrary(source);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(*so, *again);
  EXPECT_LT(t2 - t1, std::chrono::seconds(1));
  (void)t0;

  ds::Expected<ds::sim::Kernel> k =
      ds::sim::loadKernelLibrary(*so, "transpose");
  ASSERT_TRUE(k.ok()) << k.message();
  const int rows = 40, cols = 33;
  std::vector<float> in(rows * cols), out(rows * cols, -1.0f);
  for (int i = 0; i < rows * cols; ++i)
    in[i] = float(i);
  for (uint64_t seed : {1, 2, 3}) {
    ds::sim::Device d;
    d.options().seed = seed;
    ASSERT_TRUE(d.registerBuffer(in.data(), in.size() * 4, "in", true).ok());
    ASSERT_TRUE(d.registerBuffer(out.data(), out.size() * 4, "out").ok());
    const float *inp = in.data();
    float *outp = out.data();
    int r = rows, c = cols;
    void *params[] = {&inp, &outp, &r, &c};
    ds::Status s = d.launch(*k, {2, 2}, {32, 8}, 0, params);
    ASSERT_TRUE(s.ok()) << s.message();
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < cols; ++x)
        ASSERT_EQ(out[x * rows + y], in[y * cols + x]);
  }

  // A planted bug in the library is reported like one compiled in.
  ds::Expected<ds::sim::Kernel> bug =
      ds::sim::loadKernelLibrary(*so, "bug_missing_sync");
  ASSERT_TRUE(bug.ok()) << bug.message();
  ds::sim::Device d;
  ASSERT_TRUE(d.registerBuffer(out.data(), out.size() * 4, "out").ok());
  float *outp = out.data();
  void *params[] = {&outp};
  ds::Status s = d.launch(*bug, {1}, {128}, 0, params);
  ASSERT_FALSE(s.ok());
  for (const char *e : {"kernel 'bug_missing_sync' block (0,0,0) thread (",
                        "shared-memory race", "'buf'[+"})
    EXPECT_NE(s.message().find(e), std::string::npos) << s.message();
}

TEST_F(SimLibrary, MissingEntryIsAnError) {
  ds::Expected<std::string> so = ds::sim::compileKernelLibrary(kernelsSource());
  ASSERT_TRUE(so.ok()) << so.message();
  ds::Expected<ds::sim::Kernel> k = ds::sim::loadKernelLibrary(*so, "nope");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.message().find("no kernel 'nope'"), std::string::npos)
      << k.message();
  k = ds::sim::loadKernelLibrary("/nonexistent/lib.so", "nope");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.message().find("cannot load kernel library"), std::string::npos);
}

TEST_F(SimLibrary, CompileErrorCarriesTheLogAndAReproducer) {
  ds::Expected<std::string> so = ds::sim::compileKernelLibrary(
      "#include \"ds/sim/cuda_sim.h\"\n"
      "extern \"C\" __global__ void k(float *p) { __shared__ float x[4]; }\n");
  ASSERT_FALSE(so.ok());
  EXPECT_NE(so.message().find("the host compiler failed"), std::string::npos);
  EXPECT_NE(so.message().find("reproduce with: "), std::string::npos);
  EXPECT_NE(so.message().find("declare shared memory with DS_SHARED"),
            std::string::npos)
      << so.message();
}

} // namespace
