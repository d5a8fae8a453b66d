//===- AttentionKernelTest.cpp - kernel.attention, sim and NVRTC ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/attention.cuh on the sim against the CPU reference
// (ds::cpu::attention): bf16 / f16 within 2 ulps of T on every element and 1
// ulp on all but 0.1% of them, and within 1e-3 of max |ref|; fp32 (FFMA)
// within 1e-5 of max |ref|; over T = 1 / 7 / 70, GQA and MQA,
// MLA shared keys, every window kind with sizes that cut tiles, unaligned
// operands (the scalar-load fallback) and head dims the tensor-core path
// does not take. Every run checks that the CTAs visit exactly the KV tiles
// that hold a visible key (the kernel's tile counter against a brute-force
// count) and that the keys of tiles no CTA needs are never read: they are
// NaN in K, V and the shared key, and the output stays finite and right.
// The dense schedule (kBlockSparse false) visits every causal tile and gives
// the same bits as the block-sparse one.
// And through NVRTC for sm_90a without local memory, with registers and
// shared memory printed.
//
//===----------------------------------------------------------------------===//

#include "attention_kernels.cuh"

#include "DeviceTestUtils.h"
#include "codegen/NvrtcCompiler.h"
#include "ds/cpu/ops.h"
#include "ds/dtype.h"
#include "ds/sim/sim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <vector>

namespace {

using ds::DType;
using ds::Window;
using ds::WindowKind;
using ds::cpu::Tensor;
using namespace ds::test;

template <class T>
using Entry = void (*)(ds::gptr<const T>, ds::gptr<const T>, ds::gptr<const T>,
                       ds::gptr<const T>, ds::gptr<T>, int, int, int, int, int,
                       int, float, int, int, int, ds::gptr<unsigned>);

/// A kernel entry and its template parameters.
template <class T> struct Kernel {
  Entry<T> fn;
  const char *name;
  DType type;
  int bq, bkv, warps;
  bool blockSparse = true;
};

struct Problem {
  int tokens, keys, heads, kvHeads, dk, dr, dv;
  Window window;
  float scaleFactor = 1.0f; ///< times 1 / sqrt(dq)
  bool unaligned = false;   ///< every operand one element off 16 bytes
};

Window sliding(int w) { return {WindowKind::Sliding, w, 0}; }
Window chunked(int c) { return {WindowKind::Chunked, c, 0}; }
Window localGlobal(int w, int g) { return {WindowKind::LocalGlobal, w, g}; }
Window adaptive(int w, int l, int g = 0) {
  return {WindowKind::Adaptive, w, g, l};
}

/// Key k visible to query q under a resolved window (the kernel's).
bool admits(const Window &w, int q, int k) {
  if (k > q)
    return false;
  switch (w.kind) {
  case WindowKind::Global:
    return true;
  case WindowKind::Sliding:
    return q - w.size < k;
  case WindowKind::Chunked:
    return k / w.size == q / w.size;
  case WindowKind::LocalGlobal:
    return q - w.size < k || k < w.sinks;
  case WindowKind::Adaptive:
    ADD_FAILURE() << "the kernel takes resolved windows";
    return false;
  }
  return true;
}

struct Result {
  double error = 0; ///< max |o - ref| / max |ref|
  int maxUlp = 0;   ///< bf16 / f16: max distance to ref in ulps of T
  size_t over1 = 0; ///< bf16 / f16: elements more than 1 ulp off
  size_t elements = 0;
  unsigned visited = 0;
  std::vector<uint8_t> bytes; ///< the kernel's output
};

/// A 16-bit float's bits as a signed ordinal (adjacent values 1 apart).
int ordinal16(uint16_t u) { return u & 0x8000 ? -(u & 0x7fff) : u & 0x7fff; }

/// Runs `p` on the sim and compares with ds::cpu::attention. Keys in KV
/// tiles that no CTA visits are NaN in the kernel's K, V and shared key: the
/// tiles holding a key some row of the CTA sees, or, for the dense schedule,
/// every causal tile.
template <class T>
Result run(const Kernel<T> &kern, const Problem &p, uint64_t seed) {
  Result result;
  const int dq = p.dk + p.dr;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto random = [&](ds::cpu::Shape shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    std::vector<float> values(static_cast<size_t>(n));
    for (float &x : values)
      x = normal(rng);
    return Tensor::floats(kern.type, shape, values);
  };
  Tensor tq = random({p.tokens, p.heads, dq});
  Tensor tk = random({p.keys, p.kvHeads, p.dk});
  Tensor tv = random({p.keys, p.kvHeads, p.dv});
  Tensor ts = random({p.keys, p.dr});
  const float scale = p.scaleFactor / std::sqrt(float(dq));
  auto ref = ds::cpu::attention(tq, tk, tv, p.dr ? &ts : nullptr, scale,
                                p.window, kern.type);
  EXPECT_TRUE(ref.ok()) << ref.message();
  if (!ref.ok())
    return result;

  // The kernel runs the window resolved for its keys (an adaptive window's
  // regime, as the kernel emitter passes it per variant); the reference
  // gets the window itself.
  const Window resolved = p.window.resolve(p.keys);
  // The tiles some row of each CTA sees (the dense schedule: under a global
  // window); the rest are poisoned.
  const Window visits = kern.blockSparse ? resolved : Window{};
  std::vector<bool> needed((p.keys + kern.bkv - 1) / kern.bkv, false);
  unsigned expectedTiles = 0;
  for (int t0 = 0; t0 < p.tokens; t0 += kern.bq)
    for (size_t tile = 0; tile < needed.size(); ++tile) {
      bool any = false;
      for (int t = t0; t < std::min(t0 + kern.bq, p.tokens) && !any; ++t)
        for (int s = int(tile) * kern.bkv;
             s < std::min(int(tile + 1) * kern.bkv, p.keys) && !any; ++s)
          any = admits(visits, p.keys - p.tokens + t, s);
      if (any) {
        needed[tile] = true;
        ++expectedTiles;
      }
    }
  expectedTiles *= unsigned(p.heads);

  const size_t w = widthOf(kern.type);
  const size_t pad = p.unaligned ? 1 : 0;
  auto bytesOf = [&](const Tensor &t, int rowElems, bool poison) {
    std::vector<uint8_t> b = t.encode();
    if (poison)
      for (int s = 0; s < p.keys; ++s)
        if (!needed[s / kern.bkv])
          for (int i = 0; i < rowElems; ++i) {
            size_t at = (size_t(s) * rowElems + i) * w;
            if (w == 4) {
              float nan = std::numeric_limits<float>::quiet_NaN();
              std::memcpy(&b[at], &nan, 4);
            } else {
              uint16_t nan = 0x7fff; // a NaN in bf16 and f16
              std::memcpy(&b[at], &nan, 2);
            }
          }
    b.insert(b.begin(), pad * w, 0);
    return b;
  };
  std::vector<uint8_t> bq = bytesOf(tq, 0, false);
  std::vector<uint8_t> bk = bytesOf(tk, p.kvHeads * p.dk, true);
  std::vector<uint8_t> bv = bytesOf(tv, p.kvHeads * p.dv, true);
  std::vector<uint8_t> bs = bytesOf(ts, p.dr, true);
  std::vector<uint8_t> bo((pad + size_t(p.tokens) * p.heads * p.dv) * w);
  std::vector<unsigned> visited(1, 0);

  ds::sim::Device dev;
  dev.options().seed = seed;
  EXPECT_TRUE(dev.registerBuffer(bq.data(), bq.size(), "q", true).ok());
  EXPECT_TRUE(dev.registerBuffer(bk.data(), bk.size(), "k", true).ok());
  EXPECT_TRUE(dev.registerBuffer(bv.data(), bv.size(), "v", true).ok());
  if (p.dr) {
    EXPECT_TRUE(dev.registerBuffer(bs.data(), bs.size(), "shared", true).ok());
  }
  EXPECT_TRUE(dev.registerBuffer(bo.data(), bo.size(), "o").ok());
  EXPECT_TRUE(dev.registerBuffer(visited.data(), 4, "visited").ok());
  auto in = [&](std::vector<uint8_t> &b) {
    return reinterpret_cast<const T *>(b.data() + pad * w);
  };
  unsigned gridX = unsigned((p.tokens + kern.bq - 1) / kern.bq);
  ds::Status st = ds::sim::launch(
      dev, kern.fn, kern.name, {gridX, unsigned(p.heads)},
      {unsigned(kern.warps * 32)}, 0, in(bq), in(bk), in(bv),
      p.dr ? in(bs) : nullptr, reinterpret_cast<T *>(bo.data() + pad * w),
      p.tokens, p.keys, p.heads, p.kvHeads, p.dk, p.dr, scale,
      int(resolved.kind), int(resolved.size), int(resolved.sinks),
      visited.data());
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok())
    return result;
  result.visited = visited[0];
  EXPECT_EQ(visited[0], expectedTiles) << kern.name;

  std::vector<float> out(size_t(p.tokens) * p.heads * p.dv);
  EXPECT_TRUE(ds::decodeToFloat(kern.type, bo.data() + pad * w, out.data(),
                                out.size()));
  double maxRef = 0, maxErr = 0;
  bool finite = true;
  for (size_t i = 0; i < out.size(); ++i) {
    float r = ref->f()[i];
    finite = finite && std::isfinite(out[i]);
    maxRef = std::max(maxRef, double(std::fabs(r)));
    maxErr = std::max(maxErr, double(std::fabs(out[i] - r)));
  }
  EXPECT_TRUE(finite) << kern.name << ": a poisoned key was read";
  result.error = maxRef > 0 ? maxErr / maxRef : maxErr;
  result.elements = out.size();
  result.bytes.assign(bo.begin() + pad * w, bo.end());
  if (w == 2) {
    std::vector<uint8_t> want = ref->encode();
    for (size_t i = 0; i < out.size(); ++i) {
      uint16_t a, b;
      std::memcpy(&a, &bo[(pad + i) * 2], 2);
      std::memcpy(&b, &want[i * 2], 2);
      int d = std::abs(ordinal16(a) - ordinal16(b));
      result.maxUlp = std::max(result.maxUlp, d);
      result.over1 += d > 1;
    }
  }
  return result;
}

const char *kindName(const Window &w) { return ds::windowKindName(w.kind); }

/// bf16 / f16: the most ulps of T any element may be off, and the share of
/// elements that may be more than 1 ulp off (the kernel keeps the
/// reference's rounding points; on the sim every element measured is within
/// 1 ulp, all but one exact).
constexpr int kMaxUlp = 2;
constexpr double kOver1Share = 1e-3;

/// Runs `p` and checks the error against `tolerance` (relative to max |ref|).
template <class T>
Result check(const Kernel<T> &kern, const Problem &p, double tolerance,
             uint64_t seed = 1) {
  Result r = run(kern, p, seed);
  EXPECT_LE(r.error, tolerance)
      << kern.name << " T " << p.tokens << " S " << p.keys << " H " << p.heads
      << "/" << p.kvHeads << " dk " << p.dk << " dr " << p.dr << " dv " << p.dv
      << " window " << kindName(p.window) << " " << p.window.size << "/"
      << p.window.sinks;
  if (kern.type != DType::F32) {
    EXPECT_LE(r.maxUlp, kMaxUlp) << kern.name;
    EXPECT_LE(double(r.over1), kOver1Share * double(r.elements)) << kern.name;
  }
  std::printf("  %-26s T %3d S %3d H %d/%d dq %3d dv %3d %-12s "
              "max err %.2e ulp %d (>1: %zu/%zu) tiles %u\n",
              kern.name, p.tokens, p.keys, p.heads, p.kvHeads, p.dk + p.dr,
              p.dv, kindName(p.window), r.error, r.maxUlp, r.over1, r.elements,
              r.visited);
  return r;
}

using Bf16 = __nv_bfloat16;
const Kernel<Bf16> kBf16D128{
    attention_bf16_d128, "attention_bf16_d128", DType::BF16, 64, 32, 4};
const Kernel<Bf16> kBf16Q128{
    attention_bf16_q128, "attention_bf16_q128", DType::BF16, 128, 32, 8};
const Kernel<__half> kF16D128{
    attention_f16_d128, "attention_f16_d128", DType::F16, 64, 32, 4};
const Kernel<Bf16> kBf16Mla192{
    attention_bf16_mla192, "attention_bf16_mla192", DType::BF16, 64, 32, 4};
const Kernel<Bf16> kBf16D64{
    attention_bf16_d64_kv64, "attention_bf16_d64_kv64", DType::BF16, 64, 64, 4};
const Kernel<Bf16> kBf16D48{
    attention_bf16_d48_dv32, "attention_bf16_d48_dv32", DType::BF16, 64, 32, 4};
const Kernel<Bf16> kBf16D16{
    attention_bf16_d16, "attention_bf16_d16", DType::BF16, 64, 32, 4};
const Kernel<__half> kF16D32{
    attention_f16_d32, "attention_f16_d32", DType::F16, 32, 32, 2};
const Kernel<Bf16> kBf16D32Dv24{
    attention_bf16_d32_dv24, "attention_bf16_d32_dv24", DType::BF16, 64, 32, 4};
const Kernel<float> kF32D64{
    attention_f32_d64, "attention_f32_d64", DType::F32, 16, 32, 4};
const Kernel<float> kF32D128{
    attention_f32_d128, "attention_f32_d128", DType::F32, 16, 16, 4};
const Kernel<float> kF32D16{
    attention_f32_d16, "attention_f32_d16", DType::F32, 16, 32, 4};
const Kernel<float> kF32D32Dv24{
    attention_f32_d32_dv24, "attention_f32_d32_dv24", DType::F32, 16, 32, 4};
const Kernel<Bf16> kBf16D24{
    attention_bf16_d24_dv20, "attention_bf16_d24_dv20", DType::BF16, 16, 32, 4};
const Kernel<Bf16> kBf16D16Dense{attention_bf16_d16_dense,
                                 "attention_bf16_d16_dense",
                                 DType::BF16,
                                 64,
                                 32,
                                 4,
                                 false};
const Kernel<float> kF32D16Dense{attention_f32_d16_dense,
                                 "attention_f32_d16_dense",
                                 DType::F32,
                                 16,
                                 32,
                                 4,
                                 false};

constexpr double kHalfTol = 1e-3, kF32Tol = 1e-5;

TEST(AttentionKernel, Bf16MatchesTheReference) {
  for (int t : {1, 7, 70})
    check(kBf16D128, {t, t, 4, 2, 128, 0, 128, {}}, kHalfTol, 3 + t); // GQA
  check(kBf16D128, {70, 70, 2, 1, 128, 0, 128, {}, 3.0f}, kHalfTol);  // MQA
  check(kBf16Q128, {70, 70, 2, 2, 128, 0, 128, sliding(45)}, kHalfTol);
  check(kBf16D64, {70, 70, 2, 1, 64, 0, 64, chunked(40)}, kHalfTol);
}

TEST(AttentionKernel, F16MatchesTheReference) {
  check(kF16D128, {70, 70, 2, 1, 128, 0, 128, sliding(13)}, kHalfTol);
  check(kF16D32, {7, 7, 4, 4, 32, 0, 32, {}}, kHalfTol);
  check(kF16D32, {70, 70, 4, 2, 32, 0, 32, localGlobal(9, 3)}, kHalfTol);
}

TEST(AttentionKernel, Bf16WindowsMatchTheReference) {
  // Sizes that cut the 32-key tiles (and the 64-row query tiles) in the
  // middle; sinks inside one tile and across two.
  for (int t : {7, 70})
    for (Window w : {Window{}, sliding(13), sliding(1), chunked(20), chunked(7),
                     localGlobal(11, 5), localGlobal(6, 40)})
      check(kBf16D16, {t, t, 4, 2, 16, 0, 16, w}, kHalfTol, 11 + t);
  // Rows after a prefix (S > T) over several query tiles, sink tiles that
  // meet the window's tiles, groups of 3 heads.
  check(kBf16D16, {70, 100, 6, 2, 16, 0, 16, localGlobal(11, 40)}, kHalfTol);
  check(kBf16D16, {70, 100, 6, 2, 16, 0, 16, localGlobal(40, 33)}, kHalfTol);
  check(kBf16D16, {70, 100, 3, 1, 16, 0, 16, chunked(33)}, kHalfTol);
}

TEST(AttentionKernel, AdaptiveRegimesMatchTheReference) {
  // Threshold 64: 40 keys are global, 70 and 100 slide (with sinks,
  // local_global); the reference resolves the same window itself.
  for (Window w : {adaptive(13, 64), adaptive(11, 64, 5)}) {
    Result below = check(kBf16D16, {40, 40, 4, 2, 16, 0, 16, w}, kHalfTol);
    Result global =
        check(kBf16D16, {40, 40, 4, 2, 16, 0, 16, Window{}}, kHalfTol);
    EXPECT_EQ(below.bytes, global.bytes);
    check(kBf16D16, {70, 70, 4, 2, 16, 0, 16, w}, kHalfTol);
    check(kF32D16, {70, 100, 4, 2, 16, 0, 16, w}, kF32Tol);
  }
  Result above =
      check(kBf16D16, {70, 70, 4, 2, 16, 0, 16, adaptive(13, 64)}, kHalfTol);
  Result slide =
      check(kBf16D16, {70, 70, 4, 2, 16, 0, 16, sliding(13)}, kHalfTol);
  EXPECT_EQ(above.bytes, slide.bytes);
  EXPECT_EQ(above.visited, slide.visited);
}

TEST(AttentionKernel, MlaSharedKeyMatchesTheReference) {
  check(kBf16D48, {70, 70, 4, 2, 32, 16, 32, {}}, kHalfTol);
  check(kBf16Mla192, {7, 7, 2, 2, 128, 64, 128, {}}, kHalfTol);
  check(kBf16Mla192, {1, 40, 2, 1, 128, 64, 128, sliding(20)}, kHalfTol);
  check(kBf16D32Dv24, {70, 70, 4, 4, 16, 16, 24, {}}, kHalfTol); // golden
  check(kF32D32Dv24, {70, 70, 4, 4, 16, 16, 24, {}}, kF32Tol);
}

TEST(AttentionKernel, F32MatchesTheReference) {
  for (int t : {1, 7, 70})
    check(kF32D64, {t, t, 4, 2, 64, 0, 64, {}}, kF32Tol, 5 + t);
  check(kF32D64, {70, 70, 2, 1, 64, 0, 64, sliding(13), 3.0f}, kF32Tol);
  for (Window w : {chunked(20), localGlobal(11, 5)})
    check(kF32D16, {70, 70, 4, 2, 16, 0, 16, w}, kF32Tol);
  // BKV = 16: two lanes per key.
  check(kF32D128, {20, 20, 2, 1, 128, 0, 128, sliding(13)}, kF32Tol);
  check(kF32D128, {1, 40, 1, 1, 96, 32, 128, {}}, kF32Tol);
}

TEST(AttentionKernel, ScalarFallbacksMatchTheReference) {
  // Operands off 16-byte alignment, and dk / dr not multiples of 8: the
  // tensor-core path with scalar loads.
  check(kBf16D128, {70, 70, 2, 1, 128, 0, 128, sliding(29), 1.0f, true},
        kHalfTol);
  check(kBf16D48, {70, 70, 4, 2, 36, 12, 32, chunked(24)}, kHalfTol);
  check(kF32D32Dv24, {7, 7, 2, 1, 20, 12, 24, {}, 1.0f, true}, kF32Tol);
  // Head dims that are not multiples of 16 / 8: bf16 on the FFMA path.
  check(kBf16D24, {70, 70, 4, 2, 24, 0, 20, localGlobal(9, 2)}, kHalfTol);
}

TEST(AttentionKernel, VisitsOnlyTheVisibleTiles) {
  // Decode-like rows (T < S) at the end of 200 keys: a sliding window of 20
  // needs two tiles per CTA of the 7 (poisoned NaN elsewhere); global all.
  Problem global{7, 200, 2, 1, 16, 0, 16, {}};
  Problem slide = global, chunk = global, sinks = global;
  slide.window = sliding(20);
  chunk.window = chunked(50);
  sinks.window = localGlobal(20, 4);
  unsigned all = check(kBf16D16, global, kHalfTol).visited;
  EXPECT_EQ(all, 2u * 7);
  EXPECT_EQ(check(kBf16D16, slide, kHalfTol).visited, 2u * 2);
  EXPECT_EQ(check(kBf16D16, chunk, kHalfTol).visited, 2u * 3);
  EXPECT_EQ(check(kBf16D16, sinks, kHalfTol).visited, 2u * 3);
  EXPECT_EQ(check(kF32D16, slide, kF32Tol).visited, 2u * 2);
  EXPECT_LT(
      check(kBf16Mla192, {1, 200, 1, 1, 128, 64, 128, sliding(8)}, kHalfTol)
          .visited,
      check(kBf16Mla192, {1, 200, 1, 1, 128, 64, 128, {}}, kHalfTol).visited);
}

TEST(AttentionKernel, DenseScheduleGivesTheSameBits) {
  // Every causal tile instead of the visible ones (moe-attention-block-
  // sparsity off): fully masked tiles add exactly nothing, so the output is
  // bit-identical, on both paths, for every window kind, with sink tiles
  // apart from the window's and rows after a prefix.
  auto causalTiles = [](const Problem &p, int bq, int bkv) {
    unsigned n = 0;
    for (int t0 = 0; t0 < p.tokens; t0 += bq) {
      int last = p.keys - p.tokens + std::min(t0 + bq, p.tokens) - 1;
      n += unsigned(last / bkv + 1);
    }
    return n * unsigned(p.heads);
  };
  for (Window w : {sliding(13), chunked(20), localGlobal(11, 5),
                   localGlobal(6, 40), Window{}})
    for (Problem p : {Problem{200, 200, 2, 1, 16, 0, 16, w},
                      Problem{70, 150, 3, 1, 16, 0, 16, w}}) {
      Result sparse = check(kBf16D16, p, kHalfTol);
      Result dense = check(kBf16D16Dense, p, kHalfTol);
      EXPECT_EQ(dense.bytes, sparse.bytes) << kindName(w);
      EXPECT_EQ(dense.visited, causalTiles(p, 64, 32));
      Result sparse32 = check(kF32D16, p, kF32Tol);
      Result dense32 = check(kF32D16Dense, p, kF32Tol);
      EXPECT_EQ(dense32.bytes, sparse32.bytes) << kindName(w);
      EXPECT_EQ(dense32.visited, causalTiles(p, 16, 32));
      if (w.kind == WindowKind::Global) {
        EXPECT_EQ(sparse.visited, dense.visited);
      } else {
        EXPECT_LT(sparse.visited, dense.visited) << kindName(w);
        EXPECT_LT(sparse32.visited, dense32.visited) << kindName(w);
      }
    }
}

TEST(AttentionKernel, CompilesWithNvrtcWithoutLocalMemory) {
  // The realistic shapes, the golden models' head dims, the FFMA path.
  const char *entries[] = {
      "attention_bf16_d128",     "attention_bf16_mla192",
      "attention_bf16_d32_dv24", "attention_bf16_d16",
      "attention_f32_d64",       "attention_f32_d128",
      "attention_f32_d32_dv24",  "attention_bf16_d16_dense"};
  auto compiled = compileEntries(readFile(DS_ATTENTION_KERNELS), entries);
  ASSERT_EQ(compiled.size(), std::size(entries));
  for (size_t i = 0; i < compiled.size(); ++i) {
    auto &k = compiled[i];
    ASSERT_TRUE(static_cast<bool>(k)) << llvm::toString(k.takeError());
    EXPECT_NE(k->ptx.find(std::string(".entry ") + entries[i]),
              std::string::npos);
    EXPECT_EQ(k->ptx.find(".entry ", k->ptx.find(".entry ") + 1),
              std::string::npos)
        << "one entry per source";
    expectNoLocalMemory(entries[i], *k);
    EXPECT_LE(k->staticSharedBytes, kMaxStaticSmem) << entries[i];
    printResources(entries[i], *k);
  }
}

} // namespace
