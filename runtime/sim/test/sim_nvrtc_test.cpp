//===- sim_nvrtc_test.cpp - The sim's kernels are valid CUDA --------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// sim/test/kernels.cuh, the source the sim tests run on the CPU, compiles
// with NVRTC for sm_90a (no GPU needed): one source for both compilers.
//
//===----------------------------------------------------------------------===//

#include <nvrtc.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

TEST(SimNvrtc, TestKernelsCompileForSm90a) {
  std::ifstream in(DS_SIM_TEST_KERNELS);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();
  ASSERT_FALSE(source.empty());
  nvrtcProgram prog;
  ASSERT_EQ(nvrtcCreateProgram(&prog, source.c_str(), "kernels.cu", 0, nullptr,
                               nullptr),
            NVRTC_SUCCESS);
  std::string inc = std::string("-I") + DS_SIM_INCLUDE_DIR;
  std::string cuda = std::string("-I") + DS_CUDA_INCLUDE_DIR;
  std::vector<const char *> opts = {"--gpu-architecture=sm_90a", "-std=c++17",
                                    inc.c_str(), cuda.c_str()};
  nvrtcResult r = nvrtcCompileProgram(prog, int(opts.size()), opts.data());
  size_t logSize = 0;
  nvrtcGetProgramLogSize(prog, &logSize);
  std::string log(logSize, '\0');
  nvrtcGetProgramLog(prog, log.data());
  ASSERT_EQ(r, NVRTC_SUCCESS) << log;
  size_t cubin = 0;
  ASSERT_EQ(nvrtcGetCUBINSize(prog, &cubin), NVRTC_SUCCESS);
  EXPECT_GT(cubin, 0u);
  nvrtcDestroyProgram(&prog);
}

} // namespace
