//===- MemoryKernelTest.cpp - embedding, copy, fill on the sim and NVRTC --===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/memory.cuh on the sim against the CPU reference, bit for bit:
// embedding against ds::cpu::embedding (a bad id gives a zero row), copy
// against the CPU backend's extractSlice + insertSlice (MLA's q_nope / q_pe
// split and concat, strided boxes of rank 0 to 5, the bytes outside the box
// kept), fill against splatFloat / splatInt; and through NVRTC for sm_90a
// without local memory, with 16-byte accesses in the PTX.
//
//===----------------------------------------------------------------------===//

#include "memory_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/cpu/tensor_ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace {

using ds::DType;
using ds::cpu::Shape;
using ds::cpu::Tensor;
using namespace ds::test;

/// Random int32 values in [-1e6, 1e6], or N(0, 3) floats.
Tensor random(DType type, Shape shape, uint64_t seed) {
  if (type != DType::I32)
    return randomTensor(type, shape, seed, 3.0f);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-1000000, 1000000);
  std::vector<int64_t> ints(ds::cpu::numElements(shape));
  for (int64_t &x : ints)
    x = dist(rng);
  return Tensor::ints(type, shape, ints);
}

//===- embedding ----------------------------------------------------------===//

/// The reference with bad ids giving zero rows (the kernel's contract).
Tensor embeddingReference(const Tensor &table, const std::vector<int64_t> &ids,
                          DType out) {
  int64_t v = table.dim(0), h = table.dim(1);
  std::vector<int64_t> clean(ids);
  for (int64_t &id : clean)
    if (id < 0 || id >= v)
      id = 0;
  auto ref = ds::cpu::embedding(
      table, Tensor::ints(DType::I64, {int64_t(ids.size())}, clean), out);
  EXPECT_TRUE(ref.ok()) << ref.message();
  Tensor y = *ref;
  for (size_t t = 0; t < ids.size(); ++t)
    if (ids[t] != clean[t])
      for (int64_t j = 0; j < h; ++j)
        y.f()[t * h + j] = 0.0f;
  return y;
}

TEST(MemoryKernel, EmbeddingMatchesTheReferenceAndZeroesBadIds) {
  const long long vocab = 50;
  const std::vector<int64_t> ids = {3, 0, 49, -1, 7, 50, 7, 1000, 12};
  // bf16 table and result, int32 ids: 16-byte rows (h = 24) and the
  // element path (h = 13); one token too.
  for (long long h : {24ll, 13ll})
    for (size_t t : {ids.size(), size_t(1)}) {
      std::vector<int64_t> some(ids.begin(), ids.begin() + t);
      Tensor table = random(DType::BF16, {vocab, h}, 1 + h);
      Tensor tid = Tensor::ints(DType::I32, {int64_t(t)}, some);
      std::vector<uint8_t> bt = table.encode(), bi = tid.encode(),
                           by(t * h * 2, 0xab);
      SimBuffers b({&bt, &bi}, {&by});
      ds::Status s = ds::sim::launch(
          b.dev, embedding_bf16_i32, "embedding_bf16_i32", {unsigned(t)}, {256},
          0, as<const __nv_bfloat16>(bt), as<const int>(bi),
          as<__nv_bfloat16>(by), (long long)t, vocab, h);
      ASSERT_TRUE(s.ok()) << s.message();
      EXPECT_EQ(by, embeddingReference(table, some, DType::BF16).encode())
          << "h = " << h << ", T = " << t;
    }
  // f32 table to bf16, int64 ids, fewer CTAs than tokens (grid-stride).
  const long long h = 13;
  Tensor table = random(DType::F32, {vocab, h}, 3);
  Tensor tid = Tensor::ints(DType::I64, {int64_t(ids.size())}, ids);
  std::vector<uint8_t> bt = table.encode(), bi = tid.encode(),
                       by(ids.size() * h * 2, 0xab);
  SimBuffers b({&bt, &bi}, {&by});
  ds::Status s = ds::sim::launch(
      b.dev, embedding_f32_bf16_i64, "embedding_f32_bf16_i64", {3}, {128}, 0,
      as<const float>(bt), as<const long long>(bi), as<__nv_bfloat16>(by),
      (long long)ids.size(), vocab, h);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(by, embeddingReference(table, ids, DType::BF16).encode());
}

//===- copy ---------------------------------------------------------------===//

struct CopyCase {
  Shape srcShape, dstShape, srcOffsets, srcStrides, sizes, dstOffsets;
};

ds::CopyBox boxOf(const CopyCase &c) {
  ds::CopyBox box{};
  box.rank = static_cast<long long>(c.sizes.size());
  for (size_t d = 0; d < c.sizes.size(); ++d) {
    box.sizes[d] = c.sizes[d];
    box.srcShape[d] = c.srcShape[d];
    box.srcOffsets[d] = c.srcOffsets[d];
    box.srcStrides[d] = c.srcStrides[d];
    box.dstShape[d] = c.dstShape[d];
    box.dstOffsets[d] = c.dstOffsets[d];
  }
  return box;
}

/// Copies the box of a random src into a random dst on the sim and compares
/// every byte of dst with extractSlice + insertSlice.
template <class T>
void runCopy(void (*fn)(ds::gptr<const T>, ds::gptr<T>, ds::CopyBox),
             const char *name, DType type, const CopyCase &c, uint64_t seed) {
  Tensor src = random(type, c.srcShape, seed);
  Tensor dst = random(type, c.dstShape, seed + 1000);
  auto box = ds::cpu::extractSlice(src, c.srcOffsets, c.sizes, c.srcStrides);
  ASSERT_TRUE(box.ok()) << box.message();
  Tensor expected = dst;
  ds::Status ins = ds::cpu::insertSlice(expected, *box, c.dstOffsets);
  ASSERT_TRUE(ins.ok()) << ins.message();

  std::vector<uint8_t> bs = src.encode(), bd = dst.encode();
  SimBuffers b({&bs}, {&bd}, seed);
  ds::Status s = ds::sim::launch(b.dev, fn, name, {2}, {128}, 0,
                                 as<const T>(bs), as<T>(bd), boxOf(c));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(bd, expected.encode()) << name << " seed " << seed;
}

TEST(MemoryKernel, CopySplitsAndConcatenatesLikeMla) {
  // q [T, heads, 24] = concat(q_nope [T, heads, 16], q_pe [T, heads, 8]).
  for (int64_t t : {5, 1}) {
    Shape q = {t, 3, 24}, nope = {t, 3, 16}, pe = {t, 3, 8};
    runCopy(copy_bf16, "copy_bf16", DType::BF16,
            {q, nope, {0, 0, 0}, {1, 1, 1}, nope, {0, 0, 0}}, 10 + t);
    runCopy(copy_bf16, "copy_bf16", DType::BF16,
            {q, pe, {0, 0, 16}, {1, 1, 1}, pe, {0, 0, 0}}, 20 + t);
    runCopy(copy_bf16, "copy_bf16", DType::BF16,
            {nope, q, {0, 0, 0}, {1, 1, 1}, nope, {0, 0, 0}}, 30 + t);
    runCopy(copy_bf16, "copy_bf16", DType::BF16,
            {pe, q, {0, 0, 0}, {1, 1, 1}, pe, {0, 0, 16}}, 40 + t);
    // An odd split (rows of 5 and 3 elements: the element path).
    runCopy(copy_bf16, "copy_bf16", DType::BF16,
            {{t, 3, 8}, {t, 3, 5}, {0, 0, 3}, {1, 1, 1}, {t, 3, 5}, {0, 0, 0}},
            50 + t);
  }
  // A whole buffer (every dim merges into one run).
  runCopy(copy_bf16, "copy_bf16", DType::BF16,
          {{7, 4, 16}, {7, 4, 16}, {0, 0, 0}, {1, 1, 1}, {7, 4, 16}, {0, 0, 0}},
          60);
}

TEST(MemoryKernel, CopyHandlesStridedBoxesOfRankZeroToFive) {
  // Rank 4 with strides in two dims.
  runCopy(copy_f32, "copy_f32", DType::F32,
          {{4, 5, 6, 7},
           {3, 3, 4, 6},
           {1, 0, 2, 1},
           {2, 1, 2, 1},
           {2, 3, 2, 4},
           {1, 0, 1, 2}},
          70);
  // Rank 4, 16-byte runs in both buffers.
  runCopy(copy_f32, "copy_f32", DType::F32,
          {{3, 2, 5, 12},
           {2, 2, 3, 8},
           {1, 0, 1, 4},
           {1, 1, 2, 1},
           {2, 2, 2, 8},
           {0, 0, 1, 0}},
          71);
  // Rank 2 with an inner stride.
  runCopy(copy_f32, "copy_f32", DType::F32,
          {{6, 10}, {3, 4}, {1, 1}, {2, 2}, {3, 4}, {0, 0}}, 72);
  // Rank 1 (16-byte aligned) and a unit inner dim.
  runCopy(copy_f32, "copy_f32", DType::F32, {{100}, {70}, {4}, {1}, {64}, {4}},
          73);
  runCopy(copy_f32, "copy_f32", DType::F32,
          {{6, 4}, {3, 2}, {1, 3}, {2, 1}, {3, 1}, {0, 1}}, 74);
  // Rank 0: one element.
  runCopy(copy_f32, "copy_f32", DType::F32, {{}, {}, {}, {}, {}, {}}, 76);
  // Rank 5 through the rank-8 instantiation.
  runCopy(copy_f32, "copy_f32", DType::F32,
          {{2, 3, 4, 5, 6},
           {2, 2, 4, 3, 6},
           {0, 1, 0, 1, 0},
           {1, 1, 1, 2, 1},
           {2, 2, 4, 2, 6},
           {0, 0, 0, 1, 0}},
          77);
  // int32, rank 3.
  runCopy(copy_i32, "copy_i32", DType::I32,
          {{3, 4, 5}, {3, 4, 5}, {1, 0, 2}, {1, 1, 1}, {2, 4, 3}, {0, 0, 1}},
          75);
}

//===- fill ---------------------------------------------------------------===//

template <class T>
void runFill(void (*fn)(ds::gptr<T>, long long, double), const char *name,
             unsigned threads, DType type, long long n, double value,
             long long skip) {
  Shape shape = {n};
  auto ref = ds::isFloatDType(type)
                 ? ds::cpu::splatFloat(type, shape, value)
                 : ds::cpu::splatInt(type, shape, int64_t(value));
  ASSERT_TRUE(ref.ok()) << ref.message();
  std::vector<uint8_t> expected = ref->encode();
  size_t width = expected.size() / n;
  // `skip` elements before dst stay as they are (a misaligned dst).
  std::vector<uint8_t> bd((n + skip) * width, 0xab);
  SimBuffers b({}, {&bd});
  ds::Status s = ds::sim::launch(b.dev, fn, name, {2}, {threads}, 0,
                                 as<T>(bd) + skip, n, value);
  ASSERT_TRUE(s.ok()) << s.message();
  expected.insert(expected.begin(), skip * width, 0xab);
  EXPECT_EQ(bd, expected) << name << " n = " << n << " skip " << skip;
}

TEST(MemoryKernel, FillMatchesTheCpuBackend) {
  for (long long skip : {0, 1}) {
    runFill(fill_bf16, "fill_bf16", 256, DType::BF16, 1001, 0.1, skip);
    runFill(fill_f32, "fill_f32", 256, DType::F32, 37, 1.0 / 3.0, skip);
    runFill(fill_i32, "fill_i32", 256, DType::I32, 100, -7.9, skip);
    runFill(fill_i64, "fill_i64", 128, DType::I64, 5, 3e10, skip);
  }
  runFill(fill_bf16, "fill_bf16", 256, DType::BF16, 1, -2.5, 0);
}

//===- NVRTC --------------------------------------------------------------===//

TEST(MemoryKernel, CompilesWithNvrtcWithoutLocalMemory) {
  const char *entries[] = {"embedding_bf16_i32",
                           "embedding_f32_bf16_i64",
                           "copy_bf16",
                           "copy_f32",
                           "copy_i32",
                           "fill_bf16",
                           "fill_f32",
                           "fill_i32",
                           "fill_i64"};
  // The 16-byte paths are there: these kernels' PTX moves v4 words.
  auto v4 = [&](size_t i, const ds::codegen::CompiledKernel &k) {
    if (i == 0 || i == 2 || i == 5) {
      EXPECT_NE(k.ptx.find(".v4."), std::string::npos) << entries[i];
    }
  };
  expectEntriesCompile(readFile(DS_MEMORY_KERNELS), entries, std::nullopt, v4);
}

} // namespace
