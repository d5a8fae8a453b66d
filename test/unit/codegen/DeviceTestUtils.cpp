//===- DeviceTestUtils.cpp - helpers of the device-library tests ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "DeviceTestUtils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

using namespace ds;

size_t test::widthOf(DType type) { return type == DType::F32 ? 4 : 2; }

std::vector<uint8_t> test::encode(DType type,
                                  const std::vector<float> &values) {
  std::vector<uint8_t> out(values.size() * widthOf(type));
  for (size_t i = 0; i < values.size(); ++i) {
    if (type == DType::F32) {
      std::memcpy(&out[i * 4], &values[i], 4);
    } else {
      uint16_t b =
          type == DType::BF16 ? floatToBf16(values[i]) : floatToF16(values[i]);
      std::memcpy(&out[i * 2], &b, 2);
    }
  }
  return out;
}

std::vector<uint8_t> test::encode(const cpu::Tensor &t) {
  return encode(t.dtype(), t.f());
}

std::vector<float> test::decode(DType type, const std::vector<uint8_t> &bytes) {
  std::vector<float> out(bytes.size() / widthOf(type));
  EXPECT_TRUE(decodeToFloat(type, bytes.data(), out.data(), out.size()));
  return out;
}

double test::spacingAt(DType type, float v) {
  int mantissa = type == DType::F32 ? 23 : type == DType::BF16 ? 7 : 10;
  float scale = std::max(std::fabs(v), 1e-30f);
  return std::ldexp(1.0, std::ilogb(scale) - mantissa);
}

double test::ulps(DType type, float a, float b) {
  if (a == b)
    return 0;
  // A power of two: exact in float, and so is the quotient.
  float spacing = static_cast<float>(spacingAt(type, b));
  return std::fabs(a - b) / spacing;
}

cpu::Tensor test::randomTensor(DType type, cpu::Shape shape, uint64_t seed,
                               float stddev, bool nans) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, stddev);
  std::vector<float> v(cpu::numElements(shape));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = nans && i % 17 == 3 ? NAN : normal(rng);
  return cpu::Tensor::floats(type, shape, v);
}

test::SimBuffers::SimBuffers(std::vector<std::vector<uint8_t> *> in,
                             std::vector<std::vector<uint8_t> *> out,
                             uint64_t seed) {
  dev.options().seed = seed;
  dev.options().switchEveryAccesses = 5;
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_TRUE(dev.registerBuffer(in[i]->data(), in[i]->size(),
                                   "in" + std::to_string(i), true)
                    .ok());
  for (size_t i = 0; i < out.size(); ++i)
    EXPECT_TRUE(dev.registerBuffer(out[i]->data(), out[i]->size(),
                                   "out" + std::to_string(i))
                    .ok());
}

std::string test::readFile(const char *path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

codegen::NvrtcOptions test::nvrtcOptions() {
  codegen::NvrtcOptions options;
  options.cacheDir = "none";
  options.extraOptions = {std::string("-I") + DS_SOURCE_DIR,
                          std::string("-I") + DS_RUNTIME_INCLUDE_DIR,
                          std::string("-I") + DS_CUDA_INCLUDE_DIR};
  return options;
}

std::string test::onlyEntry(const std::string &text, const std::string &entry) {
  std::istringstream lines(text);
  std::string line, out;
  int depth = 0;
  bool keep = true;
  while (std::getline(lines, line)) {
    // An invocation starts a line: DS_<...>_ENTRY<...>(name, ...).
    if (depth == 0 && line.rfind("DS_", 0) == 0 &&
        line.substr(0, line.find('(')).find("_ENTRY") != std::string::npos)
      keep = line.find("(" + entry + ",") != std::string::npos;
    for (char c : line)
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (keep)
      out += line + "\n";
    if (depth == 0)
      keep = true;
  }
  return out;
}

std::vector<llvm::Expected<codegen::CompiledKernel>>
test::compileEntries(const std::string &text,
                     llvm::ArrayRef<const char *> entries) {
  std::vector<codegen::KernelSource> sources;
  for (const char *entry : entries)
    sources.push_back({entry, entry, onlyEntry(text, entry)});
  return codegen::compileKernels(sources, nvrtcOptions());
}

void test::expectNoLocalMemory(const char *entry,
                               const codegen::CompiledKernel &k) {
  llvm::Error e = codegen::checkNoLocalMemory({entry, entry, ""}, k.report);
  EXPECT_FALSE(static_cast<bool>(e)) << llvm::toString(std::move(e));
}

void test::printResources(const char *entry, const codegen::CompiledKernel &k) {
  std::printf(
      "  %-24s %3lld registers, %lld bytes spilled, %6lld bytes "
      "static smem\n",
      entry, static_cast<long long>(k.report.registers),
      static_cast<long long>(k.report.spillStores + k.report.spillLoads),
      static_cast<long long>(k.staticSharedBytes));
}

void test::expectEntriesCompile(
    const std::string &text, llvm::ArrayRef<const char *> entries,
    std::optional<int64_t> maxStaticSmem,
    llvm::function_ref<void(size_t, const codegen::CompiledKernel &)> more) {
  auto compiled = compileEntries(text, entries);
  for (size_t i = 0; i < compiled.size(); ++i) {
    const char *entry = entries[i];
    llvm::Expected<codegen::CompiledKernel> &k = compiled[i];
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    EXPECT_NE(k->ptx.find(std::string(".entry ") + entry), std::string::npos);
    expectNoLocalMemory(entry, *k);
    if (maxStaticSmem) {
      EXPECT_LE(k->staticSharedBytes, *maxStaticSmem) << entry;
    }
    printResources(entry, *k);
    if (more)
      more(i, *k);
  }
}
