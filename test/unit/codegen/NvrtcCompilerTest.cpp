//===- NvrtcCompilerTest.cpp - the NVRTC driver ---------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// NVRTC compiles for sm_90a on any machine (no GPU needed): each test runs
// the real compiler.
//
//===----------------------------------------------------------------------===//

#include "codegen/NvrtcCompiler.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace ds::codegen;

namespace {

const char *kScale = R"(
extern "C" __global__ void scale(float *x, float s, int n) {
  __shared__ float tile[256];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  tile[threadIdx.x] = i < n ? x[i] : 0.0f;
  __syncthreads();
  if (i < n)
    x[i] = tile[blockDim.x - 1 - threadIdx.x] * s;
}
)";

/// A fresh cache folder per test.
struct TempCache {
  llvm::SmallString<128> path;
  TempCache() { llvm::sys::fs::createUniqueDirectory("ds-nvrtc-test", path); }
  ~TempCache() { llvm::sys::fs::remove_directories(path); }
};

NvrtcOptions optionsFor(const TempCache &cache) {
  NvrtcOptions o;
  o.cacheDir = std::string(cache.path);
  return o;
}

TEST(Nvrtc, CompilesForSm90a) {
  TempCache cache;
  llvm::Expected<CompiledKernel> k =
      compileKernel({"scale", "scale", kScale}, optionsFor(cache));
  ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
  EXPECT_GT(k->cubin.size(), 100u);
  EXPECT_NE(k->ptx.find(".entry scale"), std::string::npos);
  EXPECT_NE(k->ptx.find(".target sm_90a"), std::string::npos);
  EXPECT_GT(k->report.registers, 0);
  EXPECT_EQ(k->report.spillStores, 0);
  EXPECT_EQ(k->report.stackBytes, 0);
  EXPECT_EQ(k->staticSharedBytes, 1024);
  EXPECT_FALSE(k->fromCache);
  EXPECT_FALSE(
      static_cast<bool>(checkNoLocalMemory({"scale", "scale", ""}, k->report)));
}

TEST(Nvrtc, CacheHitsOnTheSameSourceAndOptions) {
  TempCache cache;
  NvrtcOptions o = optionsFor(cache);
  llvm::Expected<CompiledKernel> first =
      compileKernel({"a", "scale", kScale}, o);
  ASSERT_TRUE(static_cast<bool>(first)) << llvm::toString(first.takeError());
  llvm::Expected<CompiledKernel> second =
      compileKernel({"b", "scale", kScale}, o);
  ASSERT_TRUE(static_cast<bool>(second)) << llvm::toString(second.takeError());
  EXPECT_TRUE(second->fromCache);
  EXPECT_EQ(first->cubin, second->cubin);
  EXPECT_EQ(first->report.registers, second->report.registers);
  // Other options are another key.
  o.extraOptions = {"-DUNUSED=1"};
  llvm::Expected<CompiledKernel> third =
      compileKernel({"c", "scale", kScale}, o);
  ASSERT_TRUE(static_cast<bool>(third)) << llvm::toString(third.takeError());
  EXPECT_FALSE(third->fromCache);
  // "none" turns the cache off.
  o.cacheDir = "none";
  llvm::Expected<CompiledKernel> fourth =
      compileKernel({"d", "scale", kScale}, o);
  ASSERT_TRUE(static_cast<bool>(fourth)) << llvm::toString(fourth.takeError());
  EXPECT_FALSE(fourth->fromCache);
}

TEST(Nvrtc, AFailureCarriesTheLogAndAReproducer) {
  TempCache cache;
  llvm::Expected<CompiledKernel> k = compileKernel(
      {"broken", "broken",
       "extern \"C\" __global__ void broken(float *x) { x[0] = y; }"},
      optionsFor(cache));
  ASSERT_FALSE(static_cast<bool>(k));
  std::string message = llvm::toString(k.takeError());
  EXPECT_NE(message.find("NVRTC cannot compile kernel 'broken' for sm_90a"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("identifier \"y\" is undefined"), std::string::npos)
      << message;
  EXPECT_NE(message.find("reproduce: nvcc "
                         "-gencode=arch=compute_90a,code=sm_90a -cubin"),
            std::string::npos)
      << message;
  size_t at = message.find("failed-");
  ASSERT_NE(at, std::string::npos) << message;
  std::string saved = message.substr(message.rfind(' ') + 1);
  EXPECT_TRUE(llvm::sys::fs::exists(saved)) << saved;
}

TEST(Nvrtc, LocalMemoryIsReported) {
  TempCache cache;
  // A local array written and read at run-time indices lives in local
  // memory (a stack frame).
  const char *source = R"(
extern "C" __global__ void local(float *x, int j) {
  float a[256];
  for (int i = 0; i < 256; ++i)
    a[(i * j + threadIdx.x) & 255] = x[i];
  x[threadIdx.x] = a[j & 255];
}
)";
  llvm::Expected<CompiledKernel> k =
      compileKernel({"local", "local", source}, optionsFor(cache));
  ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
  EXPECT_GT(k->report.stackBytes, 0);
  llvm::Error e = checkNoLocalMemory({"local", "local", source}, k->report);
  ASSERT_TRUE(static_cast<bool>(e));
  std::string message = llvm::toString(std::move(e));
  EXPECT_NE(message.find("kernel 'local' (local) uses local memory"),
            std::string::npos)
      << message;
}

TEST(Nvrtc, CompileKernelsDeduplicatesAndKeepsOrder) {
  TempCache cache;
  std::vector<KernelSource> kernels = {
      {"first", "scale", kScale},
      {"bad", "bad", "extern \"C\" __global__ void bad() { nope; }"},
      {"again", "scale", kScale}};
  std::vector<llvm::Expected<CompiledKernel>> out =
      compileKernels(kernels, optionsFor(cache));
  ASSERT_EQ(out.size(), 3u);
  ASSERT_TRUE(static_cast<bool>(out[0])) << llvm::toString(out[0].takeError());
  EXPECT_FALSE(static_cast<bool>(out[1]));
  llvm::consumeError(out[1].takeError());
  ASSERT_TRUE(static_cast<bool>(out[2])) << llvm::toString(out[2].takeError());
  EXPECT_EQ(out[0]->cubin, out[2]->cubin);
}

TEST(Nvrtc, ParsesTheReportOfOneEntry) {
  const char *log = R"(ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function 'other' for 'sm_90a'
ptxas info    : Function properties for other
ptxas         .     8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
ptxas info    : Used 255 registers, used 0 barriers
ptxas info    : Compiling entry function 'mine' for 'sm_90a'
ptxas info    : Function properties for mine
ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 40 registers, used 1 barriers, 16384 bytes smem, 400 bytes cmem[0]
)";
  int64_t shared = -1;
  ds::PtxasReport r = parsePtxasReport(log, "mine", &shared);
  EXPECT_EQ(r.registers, 40);
  EXPECT_EQ(r.stackBytes, 0);
  EXPECT_EQ(r.spillStores, 0);
  EXPECT_EQ(r.spillLoads, 0);
  EXPECT_EQ(shared, 16384);
  EXPECT_EQ(r.log.find("other"), std::string::npos);
  ds::PtxasReport o = parsePtxasReport(log, "other");
  EXPECT_EQ(o.registers, 255);
  EXPECT_EQ(o.stackBytes, 8);
  EXPECT_EQ(o.spillStores, 4);
  EXPECT_EQ(o.spillLoads, 4);
}

} // namespace
