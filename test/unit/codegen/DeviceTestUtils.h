//===- DeviceTestUtils.h - helpers of the device-library tests --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// What the ds-device-library-tests share: float vectors to and from the
// bytes of F32 / BF16 / F16, distances in units in the last place, random
// tensors, a sim Device with its buffers registered, and the NVRTC side (a
// *_kernels.cuh read, cut down to one entry and compiled for sm_90a; the
// local-memory gate and the resource report).
//
//===----------------------------------------------------------------------===//

#ifndef DS_TEST_UNIT_CODEGEN_DEVICETESTUTILS_H
#define DS_TEST_UNIT_CODEGEN_DEVICETESTUTILS_H

#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/tensor.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ds::test {

//===- bytes --------------------------------------------------------------===//

/// The bytes of one element of `type`: 4 for F32, 2 for BF16 and F16.
size_t widthOf(DType type);

/// The bytes of `values` in `type` (F32, BF16 or F16; ds::floatToBf16 /
/// floatToF16 round).
std::vector<uint8_t> encode(DType type, const std::vector<float> &values);

/// encode(t.dtype(), t.f()) for a float tensor `t`.
std::vector<uint8_t> encode(const cpu::Tensor &t);

/// The floats in `bytes` of `type` (F32, BF16 or F16); a failed decode is a
/// test failure.
std::vector<float> decode(DType type, const std::vector<uint8_t> &bytes);

/// `bytes` as a pointer to T (a kernel argument).
template <class T> T *as(std::vector<uint8_t> &bytes) {
  return reinterpret_cast<T *>(bytes.data());
}

//===- ulps ---------------------------------------------------------------===//

/// The spacing of `type`'s values (F32, BF16 or F16) at |v|, |v| taken as at
/// least 1e-30.
double spacingAt(DType type, float v);

/// ulps of `type` between a and b: |a - b| over the spacing at |b| (in
/// float), 0 when a == b.
double ulps(DType type, float a, float b);

//===- inputs -------------------------------------------------------------===//

/// A float tensor of `type` and `shape` drawn from N(0, stddev) with
/// std::mt19937(seed); with `nans`, every element i with i % 17 == 3 is NaN
/// instead (drawing nothing).
cpu::Tensor randomTensor(DType type, cpu::Shape shape, uint64_t seed,
                         float stddev, bool nans = false);

//===- the sim ------------------------------------------------------------===//

/// A sim Device with `in` registered read-only ("in0", "in1", ...) and `out`
/// writable ("out0", ...), seeded with `seed` and switching threads every 5th
/// access (interleaving them between barriers too).
struct SimBuffers {
  sim::Device dev;
  SimBuffers(std::vector<std::vector<uint8_t> *> in,
             std::vector<std::vector<uint8_t> *> out, uint64_t seed = 1);
};

//===- NVRTC --------------------------------------------------------------===//

/// The text of the file at `path` (a *_kernels.cuh).
std::string readFile(const char *path);

/// The options of these tests: the default target (sm_90a), no cache, and
/// -I for the ds sources, the runtime headers and the CUDA headers.
codegen::NvrtcOptions nvrtcOptions();

/// `text` (a *_kernels.cuh) without the `DS_*_ENTRY*(...)` invocations of
/// entries other than `entry`, so that each compile builds one kernel.
std::string onlyEntry(const std::string &text, const std::string &entry);

/// Compiles each of `entries` from onlyEntry(text, entry) with
/// compileKernels and nvrtcOptions(): one result per entry, in order.
std::vector<llvm::Expected<codegen::CompiledKernel>>
compileEntries(const std::string &text, llvm::ArrayRef<const char *> entries);

/// The most static shared memory a kernel may declare (more takes the
/// dynamic opt-in).
constexpr int64_t kMaxStaticSmem = 48 * 1024;

/// Expects checkNoLocalMemory to pass for `entry`'s kernel `k`.
void expectNoLocalMemory(const char *entry, const codegen::CompiledKernel &k);

/// Prints `entry`'s registers, spilled bytes and static shared memory.
void printResources(const char *entry, const codegen::CompiledKernel &k);

/// Compiles `entries` with compileEntries(text, entries) and, entry by
/// entry: asserts that it compiled (a failure ends the checks), expects its
/// PTX to define the entry, no local memory and, when `maxStaticSmem` is set,
/// at most that much static shared memory; prints its resources, then runs
/// `more(i, kernel)` for entry i.
void expectEntriesCompile(
    const std::string &text, llvm::ArrayRef<const char *> entries,
    std::optional<int64_t> maxStaticSmem,
    llvm::function_ref<void(size_t, const codegen::CompiledKernel &)> more =
        nullptr);

} // namespace ds::test

#endif // DS_TEST_UNIT_CODEGEN_DEVICETESTUTILS_H
