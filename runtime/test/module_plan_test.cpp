//===- module_plan_test.cpp - the plan against the program ----------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The loader's liveness rules (module_verify.cpp, verifyArenaUses): every
// arena buffer is written before it is read, and two buffers live at once
// never share a byte for any T the plan accepts, but for the in-place pairs
// of docs/compile-path.md §1.
//
//===----------------------------------------------------------------------===//

#include "ds/module.h"

#include "module_builder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

using namespace ds;
using namespace ds::test;

namespace {

EntryPoint &entry(Module &m) { return m.entries[0]; }

/// verifyModule() of the sample module mutated by `mutate`; the parsed bytes
/// say the same.
Status verifySample(const std::function<void(Module &)> &mutate) {
  Module m = sampleModule();
  mutate(m);
  Status direct = verifyModule(m);
  std::vector<uint8_t> bytes = serializeModuleUnverified(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  EXPECT_EQ(parsed.ok(), direct.ok());
  if (!parsed.ok() && !direct.ok()) {
    EXPECT_EQ(parsed.message(), direct.message());
  }
  return direct;
}

// The sample's arena: h [T, 8] BF16 at 0 (16·T bytes), y [T, 16] at 256·T,
// z [T, 16] at 512·T (an output), c [T, 2, 4] at 768·T (an output).
// Program: norm(x) -> h; gemm(h) -> y; add(y, y) -> z; copy(view of z) -> c.
constexpr size_t kH = 4, kY = 5, kZ = 6, kC = 8;

} // namespace

TEST(ModulePlan, InPlaceElementwiseAccepted) {
  // y dies at the add that writes z: z may take y's exact slot.
  Status s = verifySample(
      [](Module &m) { entry(m).buffers[kZ].offsetPerToken = 256; });
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ModulePlan, DeadSlotReuseAccepted) {
  // h is dead after the gemm; z (written later) may reuse its bytes.
  Status s =
      verifySample([](Module &m) { entry(m).buffers[kZ].offsetPerToken = 0; });
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ModulePlan, PerTokenOffsetsIn16ByteGranules) {
  // The planner aligns per-token offsets to 16 bytes, fixed ones to 256.
  Status s = verifySample(
      [](Module &m) { entry(m).buffers[kC].offsetPerToken = 768 + 16; });
  EXPECT_TRUE(s.ok()) << s.message();
  s = verifySample(
      [](Module &m) { entry(m).buffers[kC].offsetPerToken = 768 + 8; });
  EXPECT_EQ(s.message(), "entries[0]: buffers[8] 'c': offset: [776, 0] is not "
                         "aligned: the per-token part to 16 bytes, the fixed "
                         "part to the plan's 256");
  s = verifySample([](Module &m) { entry(m).buffers[kC].offsetFixed = 16; });
  EXPECT_NE(s.message().find("is not aligned"), std::string::npos);
}

TEST(ModulePlan, OverlapOfLiveBuffersRejected) {
  // c is written while z (an output) is live, in z's slot.
  Status s = verifySample(
      [](Module &m) { entry(m).buffers[kC].offsetPerToken = 512; });
  EXPECT_EQ(s.message(),
            "entries[0]: program[3] (copy at sample.mlir:6:5): arena buffer 6 "
            "'z' (bytes [512·T + 0, 544·T + 0), live from program[2] to the "
            "end (an output)) and arena buffer 8 'c' (bytes [512·T + 0, 528·T "
            "+ 0), live from program[3] to the end (an output)) are live at "
            "once and overlap at T = 1");
}

TEST(ModulePlan, OverlapAtLargerTRejected) {
  // y [256·T, 288·T) is live at the add; z at 16384 fixed misses it at
  // T = 1 and meets it from T = 57 (288·57 > 16384): a plan must hold for
  // every T, above plan.maxTokens too.
  Status s = verifySample([](Module &m) {
    entry(m).buffers[kZ].offsetPerToken = 0;
    entry(m).buffers[kZ].offsetFixed = 16384;
  });
  EXPECT_NE(s.message().find("arena buffer 5 'y' (bytes [256·T + 0, 288·T + "
                             "0), live program[1..2]) and arena buffer 6 'z' "
                             "(bytes [16384, 32·T + 16384)"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("overlap from T = 57 (one grows into the other)"),
            std::string::npos)
      << s.message();
}

TEST(ModulePlan, OrderChangeRejected) {
  // c [4096, 4096 + 16·T) lies after z [512·T, 544·T) at T = 1 and before it
  // at T = 64: they meet from T = 8 (544·8 > 4096).
  Status s = verifySample([](Module &m) {
    entry(m).buffers[kC].offsetPerToken = 0;
    entry(m).buffers[kC].offsetFixed = 4096;
  });
  EXPECT_NE(s.message().find("overlap from T = 8 (one grows into the other)"),
            std::string::npos)
      << s.message();
}

TEST(ModulePlan, InPlaceNeedsTheOperandToDie) {
  // z in y's slot, but y is an output too: y lives on past the add.
  Status s = verifySample([](Module &m) {
    entry(m).buffers[kZ].offsetPerToken = 256;
    entry(m).outputs.push_back({"y", kY});
  });
  EXPECT_NE(s.message().find("arena buffer 5 'y'"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("overlap at T = 1"), std::string::npos);
  // Not the same slot: z half a token off y.
  s = verifySample(
      [](Module &m) { entry(m).buffers[kZ].offsetPerToken = 256 + 16; });
  EXPECT_NE(s.message().find("are live at once and overlap"), std::string::npos)
      << s.message();
  // A gemm has no in-place pair: y in h's slot while the gemm reads h.
  s = verifySample([](Module &m) { entry(m).buffers[kY].offsetPerToken = 0; });
  EXPECT_NE(s.message().find("program[1] (gemm at sample.mlir:4:5): arena "
                             "buffer 4 'h'"),
            std::string::npos)
      << s.message();
}

TEST(ModulePlan, ReadBeforeWriteRejected) {
  Status s = verifySample(
      [](Module &m) { entry(m).program.erase(entry(m).program.begin()); });
  EXPECT_EQ(s.message(), "entries[0]: program[0] (gemm at sample.mlir:4:5): "
                         "operand 0 reads arena buffer 4 'h' before any "
                         "launch writes it");
  // Through a view: the copy reads z4 (a view of z) with the add gone.
  s = verifySample(
      [](Module &m) { entry(m).program.erase(entry(m).program.begin() + 2); });
  EXPECT_EQ(s.message(),
            "entries[0]: program[2] (copy at sample.mlir:6:5): operand 0 "
            "reads buffer 7 'z4' (a view of arena buffer 6 'z') before any "
            "launch writes it");
}

TEST(ModulePlan, OutputNeverWrittenRejected) {
  Status s = verifySample([](Module &m) { entry(m).program.pop_back(); });
  EXPECT_EQ(s.message(),
            "entries[0]: outputs[1] 'c': arena buffer 8 'c' is never written");
}

TEST(ModulePlan, InPlaceRopeAndNormAccepted) {
  Module m;
  EntryBuilder e(m, "forward", 32);
  uint32_t x = e.input("x", DType::F32, tokenDims(1, {2, 8}));
  uint32_t pos = e.input("positions", DType::I32, tokenDims(1, {}));
  uint32_t w = e.weight("w", DType::F32, {16});
  uint32_t a = e.arena("a", DType::F32, tokenDims(1, {2, 8}));
  uint32_t r = e.arena("r", DType::F32, tokenDims(1, {2, 8}));
  uint32_t a2 = e.view("a2", r, tokenDims(1, {16}));
  uint32_t res = e.arena("res", DType::F32, tokenDims(1, {16}));
  uint32_t y = e.arena("y", DType::F32, tokenDims(1, {16}));
  uint32_t sum = e.arena("sum", DType::F32, tokenDims(1, {16}));
  e.launch(ElementwiseAttrs{ElementwiseFn::Neg}, {x}, {a});
  e.launch(RopeAttrs{10000.0, RopeStyle::HalfSplit, std::nullopt}, {a, pos},
           {r});
  e.launch(ElementwiseAttrs{ElementwiseFn::Neg}, {a2}, {res});
  e.launch(NormAttrs{1e-6, true}, {a2, res, w}, {y, sum});
  e.output("y", y);
  e.output("sum", sum);
  EntryPoint &ep = e.finish();
  ASSERT_TRUE(verifyModule(m).ok()) << verifyModule(m).message();
  // rope: r in a's slot; norm: sum in res's slot.
  ep.buffers[r].offsetPerToken = ep.buffers[a].offsetPerToken;
  ep.buffers[sum].offsetPerToken = ep.buffers[res].offsetPerToken;
  Status s = verifyModule(m);
  EXPECT_TRUE(s.ok()) << s.message();
  // y in res's slot is not a pair (y is the normed value, not the sum).
  ep.buffers[sum].offsetPerToken = ep.buffers[y].offsetPerToken;
  ep.buffers[y].offsetPerToken = ep.buffers[res].offsetPerToken;
  s = verifyModule(m);
  EXPECT_NE(s.message().find("are live at once and overlap"), std::string::npos)
      << s.message();
}

TEST(ModulePlan, FiveThousandBuffersAreFast) {
  // A chain of 5000 negations whose every result is an output: all live at
  // once to the end, so the sweep holds 5000 slots.
  Module m;
  EntryBuilder e(m, "forward", 16);
  uint32_t prev = e.input("x", DType::F32, tokenDims(1, {4}));
  for (int i = 0; i < 5000; ++i) {
    uint32_t b = e.arena(cat("b", i), DType::F32, tokenDims(1, {4}));
    e.launch(ElementwiseAttrs{ElementwiseFn::Neg}, {prev}, {b});
    e.output(cat("o", i), b);
    prev = b;
  }
  e.finish();
  auto start = std::chrono::steady_clock::now();
  Status s = verifyModule(m);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  EXPECT_TRUE(s.ok()) << s.message();
  std::printf("verifyModule: 5000 buffers, 5000 launches: %.2f ms\n", ms);
  EXPECT_LT(ms, 2000.0); // < 50 ms optimized; sanitizers are slower
  // The same with the last buffer moved onto the first: rejected.
  entry(m).buffers.back().offsetPerToken = entry(m).buffers[1].offsetPerToken;
  s = verifyModule(m);
  EXPECT_NE(s.message().find("arena buffer 1 'b0'"), std::string::npos)
      << s.message();
}
