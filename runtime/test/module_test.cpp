//===- module_test.cpp - the `.dsb` module: round trips and rejections ----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/module.h"

#include "generated/module_generated.h"
#include "module_builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>

#include <unistd.h>

using namespace ds;
using namespace ds::test;

namespace {

std::vector<uint8_t> bytesOf(const Module &m) {
  Expected<std::vector<uint8_t>> bytes = serializeModule(m);
  EXPECT_TRUE(bytes.ok()) << bytes.message();
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

/// The error parseModule() gives for `m` mutated by `mutate`, serialized
/// without verification.
std::string parseError(const std::function<void(Module &)> &mutate) {
  Module m = sampleModule();
  mutate(m);
  std::vector<uint8_t> bytes = serializeModuleUnverified(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  EXPECT_FALSE(parsed.ok());
  // verifyModule says the same on the in-memory module.
  Status direct = verifyModule(m);
  EXPECT_FALSE(direct.ok());
  if (parsed.ok())
    return "";
  EXPECT_EQ(parsed.message(), direct.message());
  return parsed.message();
}

EntryPoint &entry(Module &m) { return m.entries[0]; }

} // namespace

TEST(Module, SampleVerifies) {
  Module m = sampleModule();
  Status s = verifyModule(m);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(Module, RoundTripIsExact) {
  Module m = sampleModule();
  // Fill every optional part so that all of it travels.
  m.limits.maxTokens = 32;
  m.limits.maxTokensSource = "config";
  Kernel k;
  k.name = "gemm_0";
  k.entry = "ds_gemm_0";
  k.source = std::string("extern \"C\" __global__ void f() {}\0tail", 38);
  k.cubin = {0x7f, 'E', 'L', 'F', 0, 1, 2};
  k.ptx = ".version 8.0";
  k.block = {128, 1, 1};
  k.sharedMemoryBytes = 49152;
  k.report = {96, 1, 2, 16, "ptxas info"};
  m.kernels.push_back(k);
  Launch &gemm = entry(m).program[1];
  gemm.variants.push_back({{16, "wgmma", {64, 128, 64}, 4, 4, {1, 2}}, 0});
  gemm.variants.push_back({{0, "wgmma", {128, 256, 64}, 4, 8, {2, 1}}, -1});
  // The kept rows of a pruned parameter (the "slices" transform).
  for (int64_t i = 0; i < 16; ++i)
    m.parameters[1].slices.push_back(2 * i + 1);
  // A parameter joined from two checkpoint tensors (the "concat" transform).
  m.parameters[2].concatKeys = {"proj.bias.up"};
  m.parameters[2].concatRows = {8, 8};
  // The pass records (moe.passes), one without statistics.
  m.passes.push_back({"moe-fuse-add-rms-norm", {{"chains-fused", 4}}});
  m.passes.push_back({"moe-other", {}});

  std::vector<uint8_t> bytes = bytesOf(m);
  ASSERT_FALSE(bytes.empty());
  EXPECT_TRUE(flatbuffers::BufferHasIdentifier(bytes.data(), "DSB1"));
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(bytesOf(*parsed), bytes);

  const Module &p = *parsed;
  EXPECT_EQ(p.producer, "module_builder");
  EXPECT_EQ(p.target, "sm_90a");
  EXPECT_EQ(p.limits.maxTokens, std::optional<int64_t>(32));
  EXPECT_EQ(p.limits.maxPositions, std::optional<int64_t>(128));
  ASSERT_EQ(p.kernels.size(), 1u);
  EXPECT_EQ(p.kernels[0].source, k.source); // embedded NUL kept
  EXPECT_EQ(p.kernels[0].cubin, k.cubin);
  EXPECT_EQ(p.kernels[0].block, k.block);
  EXPECT_EQ(p.kernels[0].report.log, "ptxas info");
  ASSERT_EQ(p.parameters.size(), 3u);
  EXPECT_EQ(p.parameters[1].key, "proj.weight");
  EXPECT_EQ(p.parameters[1].shape, (std::vector<int64_t>{16, 8}));
  EXPECT_EQ(p.parameters[1].slices, m.parameters[1].slices);
  EXPECT_TRUE(p.parameters[0].slices.empty());
  EXPECT_EQ(p.parameters[2].concatKeys, m.parameters[2].concatKeys);
  EXPECT_EQ(p.parameters[2].concatRows, m.parameters[2].concatRows);
  EXPECT_TRUE(p.parameters[1].concatKeys.empty());
  ASSERT_EQ(p.passes.size(), 2u);
  EXPECT_EQ(describePassRecord(p.passes[0]),
            "moe-fuse-add-rms-norm: 4 chains fused");
  EXPECT_EQ(describePassRecord(p.passes[1]), "moe-other: nothing to report");
  const EntryPoint &e = p.entries[0];
  EXPECT_EQ(e.name, "forward");
  EXPECT_EQ(e.plan.maxTokens, 64);
  ASSERT_EQ(e.program.size(), 4u);
  EXPECT_EQ(e.program[1].kind(), OpKind::Gemm);
  EXPECT_TRUE(std::get<GemmAttrs>(e.program[1].attrs).bias);
  EXPECT_EQ(e.program[1].variants.size(), 2u);
  EXPECT_EQ(e.program[1].variants[0].config.cluster,
            (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(e.program[0].location, "sample.mlir:3:5");
  EXPECT_EQ(std::get<NormAttrs>(e.program[0].attrs).eps, 1e-5);
  const auto &copy = std::get<CopyAttrs>(e.program[3].attrs);
  EXPECT_EQ(copy.srcStrides, (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(copy.sizes[0], Dim::tokens(1));
  EXPECT_EQ(e.buffers[7].kind, BufferKind::View);
}

TEST(Module, SplitGemmRoundTrip) {
  Module m = splitGemmModule();
  Status ok = verifyModule(m);
  ASSERT_TRUE(ok.ok()) << ok.message();
  std::vector<uint8_t> bytes = bytesOf(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(bytesOf(*parsed), bytes);
  const Launch &l = parsed->entries[1].program[0];
  const auto &a = std::get<GemmAttrs>(l.attrs);
  EXPECT_EQ(a.split, (std::vector<int64_t>{10, 6}));
  EXPECT_TRUE(a.bias);
  EXPECT_EQ(l.results.size(), 2u);
  // A plain gemm keeps no split.
  EXPECT_TRUE(
      std::get<GemmAttrs>(parsed->entries[0].program[1].attrs).split.empty());
}

TEST(ModuleReject, BadSplit) {
  auto error = [](const std::function<void(GemmAttrs &, Launch &)> &mutate) {
    Module m = splitGemmModule();
    Launch &l = m.entries[1].program[0];
    mutate(std::get<GemmAttrs>(l.attrs), l);
    Status direct = verifyModule(m);
    EXPECT_FALSE(direct.ok());
    std::vector<uint8_t> bytes = serializeModuleUnverified(m);
    Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
    EXPECT_FALSE(parsed.ok());
    return std::make_pair(direct.message(), parsed.message());
  };
  const std::string at = "entries[1]: program[0] (gemm at split.mlir:2:3): ";
  auto [sum, sumParsed] = error([](GemmAttrs &a, Launch &) {
    a.split = {10, 5};
  });
  EXPECT_EQ(sum, at + "attrs.split: the segments sum to 15, not the "
                      "weight's 16 rows");
  EXPECT_EQ(sumParsed, sum);
  auto [zero, zeroParsed] = error([](GemmAttrs &a, Launch &) {
    a.split = {16, 0};
  });
  EXPECT_EQ(zero, at + "attrs.split[1]: 0 rows is outside [1, 16]");
  auto [swiglu, swigluParsed] = error([](GemmAttrs &a, Launch &l) {
    a.bias = false;
    a.swiglu = true;
    l.operands.pop_back();
  });
  EXPECT_EQ(swiglu, at + "attrs.split: a swiglu GEMM takes no split");
  auto [results, resultsParsed] =
      error([](GemmAttrs &, Launch &l) { l.results.pop_back(); });
  EXPECT_EQ(results, at + "expected 2 results, got 1");
  // More segments than gemm.cuh's out pointers: the verifier counts them,
  // the parser refuses the list before reading it.
  auto [many, manyParsed] = error([](GemmAttrs &a, Launch &l) {
    a.split = {4, 4, 4, 2, 2};
    l.results = {l.results[0], l.results[1], l.results[1], l.results[1],
                 l.results[1]};
  });
  EXPECT_EQ(many, at + "attrs.split: 5 segments, expected 2 to 4");
  EXPECT_NE(manyParsed.find("attrs.split: 5 elements, more than 4"),
            std::string::npos)
      << manyParsed;
}

TEST(Module, NoPassRecordsLoads) {
  // A module written before the record existed has no `passes`: it loads
  // with none, and an empty list is written as no field at all.
  Module m = sampleModule();
  std::vector<uint8_t> bytes = bytesOf(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_TRUE(parsed->passes.empty());
  m.passes.push_back({"moe-fuse-add-rms-norm", {{"chains-fused", 1}}});
  EXPECT_GT(bytesOf(m).size(), bytes.size());
}

TEST(Module, RoundTripEveryOpKind) {
  Module m;
  EntryBuilder e(m);
  uint32_t ids = e.input("input_ids", DType::I32, tokenDims(1, {}));
  uint32_t pos = e.input("positions", DType::I32, tokenDims(1, {}));
  uint32_t table = e.weight("embed", DType::BF16, {32, 16});
  uint32_t x = e.arena("x", DType::BF16, tokenDims(1, {16}));
  e.launch(EmbeddingAttrs{}, {table, ids}, {x});
  uint32_t q3 = e.view("q3", x, tokenDims(1, {2, 8}));
  uint32_t qr = e.arena("qr", DType::BF16, tokenDims(1, {2, 8}));
  Yarn yarn;
  yarn.factor = 4;
  yarn.originalMaxPositionEmbeddings = 64;
  e.launch(RopeAttrs{10000.0, RopeStyle::Interleaved, yarn}, {q3, pos}, {qr});
  uint32_t o = e.arena("o", DType::BF16, tokenDims(1, {2, 8}));
  AttentionAttrs att;
  att.scale = 0.125;
  att.window = {WindowKind::Sliding, 4, 0};
  att.blockSparse = true;
  e.launch(att, {qr, qr, qr}, {o});
  uint32_t gate = e.weight("gate", DType::BF16, {4, 16});
  uint32_t rw = e.arena("rw", DType::F32, tokenDims(1, {2}));
  uint32_t ri = e.arena("ri", DType::I32, tokenDims(1, {2}));
  RouterConfig rc;
  rc.topK = 2;
  rc.scoring = Scoring::Sigmoid;
  rc.normTopkProb = true;
  e.launch(RouterAttrs{rc, false}, {x, gate}, {rw, ri});
  uint32_t rows = e.arena("rows", DType::BF16, tokenDims(2, {16}));
  uint32_t perm = e.arena("perm", DType::I32, tokenDims(2, {}));
  uint32_t offs = e.arena("offsets", DType::I32, dims({5}));
  e.launch(DispatchAttrs{4}, {x, ri}, {rows, perm, offs});
  uint32_t we = e.weight("experts", DType::F8E4M3, {4, 16, 16}, "e.*.w");
  uint32_t ws = e.weight("experts.scale", DType::F32, {4, 1, 1});
  uint32_t h = e.arena("h", DType::BF16, tokenDims(2, {16}));
  e.launch(GroupedGemmAttrs{Quant{QuantScheme::FP8E4M3, 128, 128}},
           {rows, we, offs, ws}, {h});
  uint32_t y = e.arena("y", DType::BF16, tokenDims(1, {16}));
  e.launch(CombineAttrs{}, {h, perm, rw}, {y});
  uint32_t f = e.arena("f", DType::F32, dims({4}));
  e.launch(FillAttrs{1.5}, {}, {f});
  uint32_t g = e.arena("g", DType::BF16, tokenDims(1, {16}));
  e.launch(ElementwiseAttrs{ElementwiseFn::Swiglu}, {y, x}, {g});
  e.output("g", g);
  e.output("o", o);
  e.finish();
  Status s = verifyModule(m);
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<uint8_t> bytes = bytesOf(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(bytesOf(*parsed), bytes);
  const auto &r = std::get<RopeAttrs>(parsed->entries[0].program[1].attrs);
  ASSERT_TRUE(r.yarn.has_value());
  EXPECT_EQ(r.yarn->factor, 4);
  EXPECT_EQ(r.style, RopeStyle::Interleaved);
  EXPECT_EQ(
      std::get<RouterAttrs>(parsed->entries[0].program[3].attrs).config.scoring,
      Scoring::Sigmoid);
  const auto &a = std::get<AttentionAttrs>(parsed->entries[0].program[2].attrs);
  EXPECT_TRUE(a.blockSparse);
  EXPECT_EQ(a.window.kind, WindowKind::Sliding);
  EXPECT_EQ(parsed->parameters[2].key, "e.*.w");
}

TEST(Module, FileLoads) {
  std::vector<uint8_t> bytes = bytesOf(sampleModule());
  std::string path =
      cat(::testing::TempDir(), "/ds_module_test_", ::getpid(), ".dsb");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  Expected<Module> m = loadModuleFile(path);
  ASSERT_TRUE(m.ok()) << m.message();
  EXPECT_EQ(m->entries.size(), 1u);
  std::remove(path.c_str());
  Expected<Module> missing = loadModuleFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message().rfind(path + ": cannot open", 0), 0u)
      << missing.message();
  Expected<Module> dir = loadModuleFile(::testing::TempDir());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.message().find("not a regular file"), std::string::npos);
}

TEST(Module, EntrySignature) {
  Module m = sampleModule();
  m.limits.maxTokens = 1000;
  EntrySignature sig = entrySignature(m, entry(m));
  EXPECT_EQ(sig.function, "forward");
  ASSERT_EQ(sig.inputs.size(), 1u);
  EXPECT_EQ(sig.inputs[0].shape, (std::vector<int64_t>{kDynamicDim, 8}));
  EXPECT_EQ(sig.inputs[0].typeText, "F32[?, 8]");
  // The model's limit, not the plan's 64: a plan serves every T.
  EXPECT_EQ(sig.limits.maxTokens, std::optional<int64_t>(1000));
  EXPECT_EQ(sig.limits.maxPositions, std::optional<int64_t>(128));
}

//===----------------------------------------------------------------------===//
// Rejections: bytes
//===----------------------------------------------------------------------===//

TEST(ModuleReject, WrongIdentifier) {
  std::vector<uint8_t> bytes = bytesOf(sampleModule());
  bytes[4] = 'X';
  bytes[7] = 0;
  Expected<Module> m = parseModule(bytes.data(), bytes.size());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.message(),
            "not a ds module: file identifier 'XSB\\x00', expected 'DSB1'");
}

TEST(ModuleReject, TooShort) {
  uint8_t bytes[4] = {0, 0, 0, 0};
  Expected<Module> m = parseModule(bytes, sizeof(bytes));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("too short"), std::string::npos);
}

TEST(ModuleReject, Truncated) {
  std::vector<uint8_t> bytes = bytesOf(sampleModule());
  for (size_t size : {bytes.size() / 2, bytes.size() - 16, size_t(12)}) {
    Expected<Module> m = parseModule(bytes.data(), size);
    ASSERT_FALSE(m.ok()) << size;
    EXPECT_NE(m.message().find("does not verify"), std::string::npos)
        << m.message();
  }
}

TEST(ModuleReject, Unaligned) {
  // Unaligned bytes are fine (copied), and still verified.
  std::vector<uint8_t> bytes = bytesOf(sampleModule());
  std::vector<uint8_t> shifted(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 1);
  Expected<Module> m = parseModule(shifted.data() + 1, bytes.size());
  EXPECT_TRUE(m.ok()) << m.message();
}

TEST(ModuleReject, WrongVersion) {
  flatbuffers::FlatBufferBuilder b;
  fb::FinishModuleBuffer(b, fb::CreateModule(b, 2));
  Expected<Module> m = parseModule(b.GetBufferPointer(), b.GetSize());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.message(), "format_version: 2, this runtime reads version 1");
}

TEST(ModuleReject, MissingRequiredField) {
  // An entry without its plan (a required field).
  flatbuffers::FlatBufferBuilder b;
  auto name = b.CreateString("forward");
  // The generated builder asserts required fields: build the table raw.
  auto start = b.StartTable();
  b.AddOffset(fb::EntryPoint::VT_NAME, name);
  flatbuffers::Offset<fb::EntryPoint> e(b.EndTable(start));
  auto entries = b.CreateVector(std::vector<decltype(e)>{e});
  fb::FinishModuleBuffer(b, fb::CreateModule(b, 1, 0, 0, 0, 0, 0, 0, entries));
  Expected<Module> m = parseModule(b.GetBufferPointer(), b.GetSize());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.message().find("does not verify"), std::string::npos);
}

TEST(ModuleReject, ReservedState) {
  flatbuffers::FlatBufferBuilder b;
  auto name = b.CreateString("decode");
  auto plan = fb::CreatePlan(b, 16, 0, 0);
  auto kv = fb::CreateStateBuffer(b, b.CreateString("kv"), 0, 4096);
  auto state = b.CreateVector(std::vector<decltype(kv)>{kv});
  auto e = fb::CreateEntryPoint(b, name, fb::EntryKind_Stateless, 0, 0, 0, 0,
                                plan, state);
  auto entries = b.CreateVector(std::vector<decltype(e)>{e});
  fb::FinishModuleBuffer(b, fb::CreateModule(b, 1, 0, 0, 0, 0, 0, 0, entries));
  Expected<Module> m = parseModule(b.GetBufferPointer(), b.GetSize());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.message(),
            "entries[0] 'decode': state: persistent state is not supported "
            "by this runtime (format version 1)");
}

TEST(ModuleReject, UnknownEnumValue) {
  // The parser names the field before verifyModule would see the value.
  Module m = sampleModule();
  entry(m).buffers[4].dtype = static_cast<DType>(99);
  std::vector<uint8_t> bytes = serializeModuleUnverified(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.message(), "entries[0].buffers[4].dtype: unknown value 99");
  EXPECT_EQ(verifyModule(m).message(),
            "entries[0]: buffers[4] 'h': dtype: unknown dtype 99");
}

//===----------------------------------------------------------------------===//
// Rejections: cross-references and shapes (parse and verifyModule agree)
//===----------------------------------------------------------------------===//

TEST(ModuleReject, NoEntry) {
  EXPECT_EQ(parseError([](Module &m) { m.entries.clear(); }),
            "entries: the module has no entry point");
}

TEST(ModuleReject, ParameterIndexOutOfRange) {
  EXPECT_EQ(parseError([](Module &m) { entry(m).buffers[1].parameter = 9; }),
            "entries[0]: buffers[1] 'norm.weight': parameter: index 9 is out "
            "of range (3 parameters)");
}

TEST(ModuleReject, WeightShapeMismatch) {
  EXPECT_EQ(parseError([](Module &m) {
              m.parameters[1].shape = {16, 9};
            }),
            "entries[0]: buffers[2] 'proj.weight': is BF16[16, 8], parameter 1 "
            "'proj.weight' is BF16[16, 9]");
}

TEST(ModuleReject, DuplicateParameter) {
  EXPECT_NE(parseError([](Module &m) {
              m.parameters[2].name = m.parameters[1].name;
            }).find("parameters: "),
            std::string::npos);
}

TEST(ModuleReject, LaunchNamesMissingBuffer) {
  EXPECT_EQ(
      parseError([](Module &m) { entry(m).program[1].operands[1] = 42; }),
      "entries[0]: program[1] (gemm at sample.mlir:4:5): operand 1: buffer "
      "index 42 is out of range (9 buffers)");
}

TEST(ModuleReject, MissingKernelIndex) {
  EXPECT_EQ(
      parseError([](Module &m) {
        entry(m).program[1].variants.push_back({{0, "simt", {}, 1, 4, {}}, 3});
      }),
      "entries[0]: program[1] (gemm at sample.mlir:4:5): "
      "variants[0].kernel: index 3 is out of range (0 kernels)");
}

TEST(ModuleReject, VariantBuckets) {
  EXPECT_NE(parseError([](Module &m) {
              entry(m).program[1].variants.push_back(
                  {{16, "simt", {}, 1, 4, {}}, -1});
            }).find("the last bucket must be 0"),
            std::string::npos);
}

TEST(ModuleReject, InconsistentShapes) {
  EXPECT_EQ(parseError([](Module &m) {
              // w [16, 8] -> [16, 8, 1] via a new parameter shape.
              m.parameters[1].shape = {16, 8, 1};
              entry(m).buffers[2].dims = dims({16, 8, 1});
            }),
            "entries[0]: program[1] (gemm at sample.mlir:4:5): operand 1 "
            "(buffer 2 'proj.weight'): expected rank 2, got 3 "
            "(BF16[16, 8, 1])");
  EXPECT_EQ(parseError([](Module &m) {
              entry(m).buffers[5].dims = tokenDims(1, {15});
            }),
            "entries[0]: program[1] (gemm at sample.mlir:4:5): result 0 "
            "(buffer 5 'y'): expected dims [T, 16], got BF16[T, 15]");
  EXPECT_EQ(parseError([](Module &m) { entry(m).program[1].results.clear(); }),
            "entries[0]: program[1] (gemm at sample.mlir:4:5): expected 1 "
            "results, got 0");
}

TEST(ModuleReject, BadAttrs) {
  EXPECT_NE(parseError([](Module &m) {
              std::get<NormAttrs>(entry(m).program[0].attrs).eps = -1;
            }).find("attrs.eps"),
            std::string::npos);
  // Window::validate() / RouterConfig::validate() / validateRopeTheta().
  Module m = sampleModule();
  EntryBuilder e(m, "other");
  uint32_t x = e.input("x", DType::BF16, tokenDims(1, {2, 8}));
  uint32_t o = e.arena("o", DType::BF16, tokenDims(1, {2, 8}));
  AttentionAttrs att;
  att.window = {WindowKind::Global, 3, 0};
  e.launch(att, {x, x, x}, {o});
  e.output("o", o);
  e.finish();
  Status s = verifyModule(m);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("entries[1]: program[0] (attention): "
                              "attrs.window: ",
                              0),
            0u)
      << s.message();
  std::get<AttentionAttrs>(m.entries[1].program[0].attrs).window = {};
  std::get<AttentionAttrs>(m.entries[1].program[0].attrs).scale = std::nan("");
  EXPECT_NE(verifyModule(m).message().find("attrs.scale"), std::string::npos);
}

// An adaptive window travels whole (kind, size, sinks, threshold); each
// variant runs one regime (variantWindow), the verifier refuses a bucket
// that holds the threshold and a variant naming another regime.
TEST(Module, AdaptiveWindowVariants) {
  auto build = [](std::vector<Variant> variants) {
    Module m = sampleModule();
    EntryBuilder e(m, "adaptive");
    uint32_t x = e.input("x", DType::BF16, tokenDims(1, {2, 8}));
    uint32_t o = e.arena("o", DType::BF16, tokenDims(1, {2, 8}));
    AttentionAttrs att;
    att.window = {WindowKind::Adaptive, 4, 2, 16};
    e.launch(att, {x, x, x}, {o}).variants = std::move(variants);
    e.output("o", o);
    e.finish();
    return m;
  };
  auto variant = [](int64_t maxTokens, const char *name) {
    return Variant{{maxTokens, name, {64, 32}, 2, 4, {1}}, -1};
  };
  Module m = build({variant(1, "fma_fa:global"), variant(16, "fma_fa:global"),
                    variant(0, "fma_fa:local_global")});
  Status s = verifyModule(m);
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<uint8_t> bytes = bytesOf(m);
  Expected<Module> parsed = parseModule(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(bytesOf(*parsed), bytes);
  const Launch &l = parsed->entries[1].program[0];
  const auto &a = std::get<AttentionAttrs>(l.attrs);
  EXPECT_EQ(a.window.kind, WindowKind::Adaptive);
  EXPECT_EQ(a.window.size, 4);
  EXPECT_EQ(a.window.sinks, 2);
  EXPECT_EQ(a.window.threshold, 16);
  Dim keys = Dim::tokens(1);
  EXPECT_EQ(variantWindow(l, keys, 1)->kind, WindowKind::Global);
  Expected<Window> above = variantWindow(l, keys, 2);
  ASSERT_TRUE(above.ok()) << above.message();
  EXPECT_EQ(above->kind, WindowKind::LocalGlobal);
  EXPECT_EQ(above->size, 4);
  EXPECT_EQ(above->sinks, 2);
  EXPECT_EQ(variantTokens(l, 2).first, 17);
  // Two tokens per key row: T <= 8 is global, the bucket (1, 16] two regimes.
  Expected<Window> twice = variantWindow(l, Dim::tokens(2), 1);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.message(),
            "variants[1]: the adaptive window's threshold 16 falls inside "
            "the bucket (T in [2, 16]): it runs global and local_global "
            "attention");

  // The threshold inside a bucket.
  Status inside = verifyModule(
      build({variant(64, "fma_fa"), variant(0, "fma_fa:local_global")}));
  EXPECT_EQ(inside.message(),
            "entries[1]: program[0] (attention): variants[0]: the adaptive "
            "window's threshold 16 falls inside the bucket (T in [1, 64]): it "
            "runs global and local_global attention");
  // A variant naming the other regime.
  Status named = verifyModule(
      build({variant(16, "fma_fa:sliding"), variant(0, "fma_fa")}));
  EXPECT_EQ(named.message(),
            "entries[1]: program[0] (attention): variants[0].config.variant: "
            "'fma_fa:sliding' names the regime 'sliding', but T in [1, 16] "
            "runs global attention");
  // The fields, named.
  Module bad = build({});
  std::get<AttentionAttrs>(bad.entries[1].program[0].attrs).window.threshold =
      0;
  EXPECT_EQ(verifyModule(bad).message(),
            "entries[1]: program[0] (attention): attrs.window.threshold: the "
            "threshold of an adaptive window must be >= 1, got 0");
  std::get<AttentionAttrs>(bad.entries[1].program[0].attrs).window = {
      WindowKind::Adaptive, 4, -2, 16};
  EXPECT_EQ(verifyModule(bad).message(),
            "entries[1]: program[0] (attention): attrs.window.sinks: an "
            "adaptive window needs >= 0 sink tokens, got -2");
}

TEST(ModuleReject, ViewOutsideSource) {
  EXPECT_EQ(parseError([](Module &m) { entry(m).buffers[7].viewOffset = 2; }),
            "entries[0]: buffers[7] 'z4': view of 2048 bytes at offset 2 is "
            "outside its source buffer 6 'z' BF16[T, 16] (2048 bytes at 64 "
            "tokens)");
  EXPECT_NE(parseError([](Module &m) {
              entry(m).buffers[7].dims = tokenDims(1, {4, 5});
            }).find("outside its source"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              entry(m).buffers[7].source = 7;
            }).find("source: index 7 is not an earlier buffer"),
            std::string::npos);
}

TEST(ModuleReject, ArenaOverflow) {
  // c [T, 2, 4] BF16 sits at 768·T and ends at 768·64 + 16·64 = 50176.
  EXPECT_EQ(parseError([](Module &m) { entry(m).plan.peakBytes = 50175; }),
            "entries[0]: buffers[8] 'c': ends at byte 50176 at 64 tokens, "
            "beyond the plan's peak_bytes 50175");
  EXPECT_NE(parseError([](Module &m) {
              entry(m).buffers[4].offsetFixed = 3;
            }).find("not aligned"),
            std::string::npos);
}

TEST(ModuleReject, HugeSizes) {
  EXPECT_NE(parseError([](Module &m) {
              entry(m).buffers[4].dims = tokenDims(1 << 20, {8});
            }).find("is above 16777216"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              entry(m).buffers[4].dims = dims({1 << 24, 1 << 24});
            }).find("elements"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              entry(m).plan.maxTokens = 0;
            }).find("plan.max_tokens"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              entry(m).plan.peakBytes = int64_t(1) << 62;
            }).find("plan.peak_bytes"),
            std::string::npos);
}

TEST(ModuleReject, Ports) {
  EXPECT_NE(parseError([](Module &m) {
              entry(m).outputs[0].buffer = 99;
            }).find("outputs[0] 'z': buffer: index 99 is out of range"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              entry(m).outputs[1].name = "z";
            }).find("a second output of that name"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              entry(m).inputs[0].buffer = 4;
            }).find("is buffer 4, not this one"),
            std::string::npos);
}

TEST(ModuleReject, ResultWritesWeight) {
  EXPECT_EQ(parseError([](Module &m) { entry(m).program[2].results[0] = 2; }),
            "entries[0]: program[2] (elementwise at sample.mlir:5:5): result 0 "
            "(buffer 2 'proj.weight'): writes a weight; results live in the "
            "arena");
}

TEST(ModuleReject, CopyOutsideSource) {
  EXPECT_NE(parseError([](Module &m) {
              std::get<CopyAttrs>(entry(m).program[3].attrs).srcStrides[1] = 3;
            }).find("source element 4 is outside"),
            std::string::npos);
  EXPECT_NE(parseError([](Module &m) {
              std::get<CopyAttrs>(entry(m).program[3].attrs).dstOffsets[2] = 1;
            }).find("destination elements up to 4 are outside"),
            std::string::npos);
}

TEST(ModuleReject, SerializeRefusesInvalid) {
  Module m = sampleModule();
  entry(m).buffers[1].parameter = 9;
  Expected<std::vector<uint8_t>> bytes = serializeModule(m);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.message().rfind("cannot serialize an invalid module: ", 0),
            0u);
}
