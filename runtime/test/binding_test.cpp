//===- binding_test.cpp - weight and input binding, memory limits ---------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//
//
// ds/binding.h against small checkpoints and input files written to a
// temporary directory, and ds/memory.h.
//
//===----------------------------------------------------------------------===//

#include "ds/binding.h"
#include "ds/limits.h"
#include "ds/memory.h"

#include "cpu_test_util.h"

#include <cstdlib>
#include <string>
#include <vector>

using namespace ds;

namespace {

class BindingTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "ds_binding_XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    ASSERT_NE(mkdtemp(buffer.data()), nullptr) << "mkdtemp " << pattern;
    dir = buffer.data();
  }

  /// Writes F32 tensors `name -> shape` (zeros) to `file` in the directory.
  std::string write(const std::string &file,
                    std::vector<std::pair<std::string, cpu::Shape>> tensors,
                    DType dtype = DType::F32) {
    std::string path = dir + "/" + file;
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<TensorToWrite> out;
    for (auto &[name, shape] : tensors) {
      int64_t n = cpu::numElements(shape);
      bytes.emplace_back(static_cast<size_t>(n) * dtypeBits(dtype) / 8, 0);
      for (size_t i = 0; i < bytes.back().size() && dtype == DType::F32; i += 4)
        bytes.back()[i + 3] = 0x3F; // ~0.5 + ...: nonzero floats
      out.push_back(
          {name, dtype, shape, bytes.back().data(), bytes.back().size()});
    }
    Status s = writeSafetensors(path, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return path;
  }

  std::string dir;
};

ParameterTable table(std::vector<ParameterSpec> params) {
  Expected<ParameterTable> t = ParameterTable::create(std::move(params));
  EXPECT_TRUE(t) << t.message();
  return std::move(t).value();
}

TEST_F(BindingTest, StackedKeysExpandInOnePlace) {
  ParameterSpec stacked{
      "experts.up", "layers.0.experts.*.up.weight", DType::BF16, {3, 4, 2}};
  std::vector<CheckpointTensorSpec> tensors =
      ParameterTable::checkpointTensors(stacked);
  ASSERT_EQ(tensors.size(), 3u);
  EXPECT_EQ(tensors[2].key, "layers.0.experts.2.up.weight");
  EXPECT_EQ(tensors[2].shape, std::vector<int64_t>({4, 2}));
  EXPECT_EQ(tensors[2].slice, 2);
  EXPECT_EQ(tensors[2].parameter, "experts.up");
  EXPECT_TRUE(
      ParameterTable::checkpointTensors({"p", "", DType::F32, {1}}).empty());

  ParameterTable t = table({{"b", "b", DType::F32, {2}}, stacked});
  EXPECT_EQ(t.checkpointTensors().size(), 4u);
  EXPECT_EQ(t.checkpointTensors().front().key, "b"); // sorted by key
  EXPECT_EQ(t.decodedBytes(), (2 + 24) * 4);         // fp32 as held
  EXPECT_NE(t.find("experts.up"), nullptr);
  EXPECT_EQ(t.find("nope"), nullptr);
}

TEST_F(BindingTest, TableRefusesBadParameters) {
  EXPECT_ERROR(ParameterTable::create(
                   {{"a", "a", DType::F32, {1}}, {"a", "b", DType::F32, {1}}}),
               "parameter 'a' is defined twice");
  EXPECT_ERROR(ParameterTable::create({{"s", "x.*.*", DType::F32, {2, 2}}}),
               "more than one '*'");
  EXPECT_ERROR(ParameterTable::create({{"s", "x.*", DType::F32, {}}}),
               "needs a leading dim");
  EXPECT_ERROR(ParameterTable::create({{"n", "n", DType::F32, {-1}}}),
               "parameter 'n'");
  EXPECT_ERROR(
      ParameterTable::create({{"h", "h", DType::F32, {int64_t(1) << 41}}}),
      "the limit of one tensor");
  EXPECT_ERROR(
      ParameterTable::create({{"s", "x.*", DType::F32, {kMaxDimSize + 1, 1}}}),
      "slices");
  // Empty slices are cheap to hold but each is a checkpoint key: the table
  // bounds the keys it reads (a fuzzed module with [2^24, 0] stacked
  // parameters took minutes to list them).
  EXPECT_ERROR(ParameterTable::create(
                   {{"s", "x.*", DType::F32, {kMaxCheckpointTensors, 0}},
                    {"t", "y", DType::F32, {1}}}),
               "parameter 't': the model reads more than 1048576 checkpoint "
               "tensors");
  EXPECT_TRUE(ParameterTable::create(
                  {{"s", "x.*", DType::F32, {kMaxCheckpointTensors, 0}}})
                  .ok());
}

TEST_F(BindingTest, CheckWeightsListsEveryMismatch) {
  Expected<Checkpoint> ckpt =
      Checkpoint::open(write("model.safetensors", {{"w", {2, 3}},
                                                   {"e.0", {4}},
                                                   {"e.1", {5}},
                                                   {"bias", {3}},
                                                   {"extra", {1}}}));
  ASSERT_TRUE(ckpt) << ckpt.message();
  ParameterTable t = table({{"w", "w", DType::F32, {3, 2}},
                            {"e", "e.*", DType::F32, {3, 4}},
                            {"bias", "bias", DType::BF16, {3}}});
  WeightReport r = checkWeights(t, *ckpt);
  EXPECT_EQ(r.expected, 5u);
  EXPECT_EQ(r.matched, 1u); // e.0
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.missing[0].key, "e.2");
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0].tensor->name, "extra");
  EXPECT_EQ(r.extra[0].file, "model.safetensors");
  ASSERT_EQ(r.wrongShape.size(), 2u);
  EXPECT_EQ(r.wrongShape[0].expected.key, "e.1");
  EXPECT_EQ(r.wrongShape[1].expected.key, "w");
  ASSERT_EQ(r.wrongDtype.size(), 1u);
  EXPECT_EQ(r.wrongDtype[0].expected.key, "bias");
  EXPECT_FALSE(r.ok());
}

TEST_F(BindingTest, DecodeParameter) {
  Expected<Checkpoint> ckpt = Checkpoint::open(
      write("model.safetensors", {{"w", {2, 3}}, {"e.0", {2}}, {"e.1", {2}}}));
  ASSERT_TRUE(ckpt) << ckpt.message();
  Expected<cpu::Tensor> w =
      decodeParameter({"w", "w", DType::F32, {2, 3}}, *ckpt);
  ASSERT_TRUE(w) << w.message();
  EXPECT_EQ(w->shape(), cpu::Shape({2, 3}));
  Expected<cpu::Tensor> e =
      decodeParameter({"e", "e.*", DType::F32, {2, 2}}, *ckpt);
  ASSERT_TRUE(e) << e.message();
  EXPECT_EQ(e->shape(), cpu::Shape({2, 2}));
  EXPECT_ERROR(decodeParameter({"e", "e.*", DType::F32, {3, 2}}, *ckpt),
               "parameter @e: tensor 'e.2' is missing from the checkpoint");
  EXPECT_ERROR(decodeParameter({"w", "w", DType::F32, {3, 2}}, *ckpt),
               "parameter @w: tensor 'w' is F32[2, 3], expected F32[3, 2]");
  EXPECT_ERROR(decodeParameter({"w", "w", DType::BF16, {2, 3}}, *ckpt),
               "expected BF16[2, 3]");
  EXPECT_ERROR(decodeParameter({"k", "", DType::F32, {1}}, *ckpt),
               "parameter @k has no checkpoint key");
}

TEST_F(BindingTest, SlicesReadOnlyTheKeptEntries) {
  // w: 4 rows [r, r + 0.5]; e.0 .. e.3: [2] of value i.
  std::vector<float> w = {0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5};
  std::vector<std::vector<float>> e = {{0, 0}, {1, 1}, {2, 2}, {3, 3}};
  std::vector<TensorToWrite> out = {
      {"w", DType::F32, {4, 2}, w.data(), w.size() * 4}};
  std::vector<std::string> names = {"e.0", "e.1", "e.2", "e.3"};
  for (size_t i = 0; i < e.size(); ++i)
    out.push_back({names[i], DType::F32, {2}, e[i].data(), 8});
  std::string path = dir + "/model.safetensors";
  ASSERT_TRUE(writeSafetensors(path, out).ok());
  Expected<Checkpoint> ckpt = Checkpoint::open(path);
  ASSERT_TRUE(ckpt) << ckpt.message();

  ParameterSpec rows{"w", "w", DType::F32, {2, 2}, {1, 3}};
  ParameterSpec stacked{"e", "e.*", DType::F32, {2, 2}, {0, 2}};
  Expected<cpu::Tensor> r = decodeParameter(rows, *ckpt);
  ASSERT_TRUE(r) << r.message();
  EXPECT_EQ(r->f(), std::vector<float>({1, 1.5, 3, 3.5}));
  Expected<cpu::Tensor> st = decodeParameter(stacked, *ckpt);
  ASSERT_TRUE(st) << st.message();
  EXPECT_EQ(st->f(), std::vector<float>({0, 0, 2, 2}));

  // Only the kept tensors are read: e.1 and e.3 are extra.
  WeightReport report = checkWeights(table({rows, stacked}), *ckpt);
  EXPECT_EQ(report.matched, 3u);
  ASSERT_EQ(report.extra.size(), 2u);
  EXPECT_EQ(report.extra[0].tensor->name, "e.1");
  EXPECT_TRUE(report.missing.empty() && report.wrongShape.empty());

  // A row beyond the tensor, and bad slices.
  EXPECT_ERROR(decodeParameter({"w", "w", DType::F32, {1, 2}, {4}}, *ckpt),
               "parameter @w: tensor 'w' is F32[4, 2], expected F32[?, 2]");
  EXPECT_ERROR(ParameterTable::create({{"w", "w", DType::F32, {2, 2}, {3, 1}}}),
               "slices[1] = 1: slices must be increasing");
  EXPECT_ERROR(ParameterTable::create({{"w", "w", DType::F32, {2, 2}, {1}}}),
               "1 slices for a leading dim of 2");
  EXPECT_ERROR(ParameterTable::create({{"w", "", DType::F32, {1, 2}, {1}}}),
               "slices need a checkpoint key");
}

TEST_F(BindingTest, ConcatJoinsPartsAlongTheirFirstDim) {
  // g [2, 2] and u [1, 2]; experts e.i.g [1, 2] = i, e.i.u [1, 2] = 10 + i.
  std::vector<float> g = {0, 1, 2, 3}, u = {4, 5};
  std::vector<TensorToWrite> out = {{"g", DType::F32, {2, 2}, g.data(), 16},
                                    {"u", DType::F32, {1, 2}, u.data(), 8}};
  std::vector<std::vector<float>> ev;
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i)
    for (const char *part : {"g", "u"}) {
      float v = part[0] == 'g' ? float(i) : float(10 + i);
      ev.push_back({v, v});
      names.push_back("e." + std::to_string(i) + "." + part);
    }
  for (size_t i = 0; i < ev.size(); ++i)
    out.push_back({names[i], DType::F32, {1, 2}, ev[i].data(), 8});
  std::string path = dir + "/model.safetensors";
  ASSERT_TRUE(writeSafetensors(path, out).ok());
  Expected<Checkpoint> ckpt = Checkpoint::open(path);
  ASSERT_TRUE(ckpt) << ckpt.message();

  ParameterSpec plain{"gu", "g", DType::F32, {3, 2}};
  plain.concatKeys = {"u"};
  plain.concatRows = {2, 1};
  Expected<cpu::Tensor> p = decodeParameter(plain, *ckpt);
  ASSERT_TRUE(p) << p.message();
  EXPECT_EQ(p->f(), std::vector<float>({0, 1, 2, 3, 4, 5}));

  // Stacked, experts 0 and 2 kept: each entry joins its own parts.
  ParameterSpec stacked{"egu", "e.*.g", DType::F32, {2, 2, 2}, {0, 2}};
  stacked.concatKeys = {"e.*.u"};
  stacked.concatRows = {1, 1};
  Expected<cpu::Tensor> st = decodeParameter(stacked, *ckpt);
  ASSERT_TRUE(st) << st.message();
  EXPECT_EQ(st->f(), std::vector<float>({0, 0, 10, 10, 2, 2, 12, 12}));
  std::vector<CheckpointTensorSpec> parts =
      ParameterTable::checkpointTensors(stacked);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[1].key, "e.0.u");
  EXPECT_EQ(parts[2].key, "e.2.g");
  EXPECT_EQ(parts[3].slice, 1);

  WeightReport report = checkWeights(table({plain, stacked}), *ckpt);
  EXPECT_EQ(report.matched, 6u);
  ASSERT_EQ(report.extra.size(), 2u); // experts 1's parts
  EXPECT_EQ(report.extra[0].tensor->name, "e.1.g");

  // A part of the wrong size names the part's tensor.
  ParameterSpec wrong = plain;
  wrong.concatRows = {1, 2};
  EXPECT_ERROR(decodeParameter(wrong, *ckpt),
               "parameter @gu: tensor 'g' is F32[2, 2], expected F32[1, 2]");

  // Parts that do not add up, mismatched keys, plain slices.
  auto bad = [&](std::vector<std::string> keys, std::vector<int64_t> rows,
                 std::vector<int64_t> shape, std::string key = "g",
                 std::vector<int64_t> slices = {}) {
    ParameterSpec s{"x", std::move(key), DType::F32, std::move(shape),
                    std::move(slices)};
    s.concatKeys = std::move(keys);
    s.concatRows = std::move(rows);
    return ParameterTable::create({s});
  };
  EXPECT_ERROR(bad({"u"}, {2, 2}, {3, 2}),
               "concat rows add up to 4, but dim 0 is 3");
  EXPECT_ERROR(bad({"u"}, {3}, {3, 2}), "2 concat parts but 1 concat rows");
  EXPECT_ERROR(bad({"e.*.u"}, {2, 1}, {3, 2}),
               "concat key 'e.*.u' must be plain like 'g'");
  EXPECT_ERROR(bad({"u"}, {0, 3}, {3, 2}), "concat rows[0] = 0 is not in");
  EXPECT_ERROR(bad({"u"}, {2, 1}, {3, 2}, "g", {0, 1, 2}),
               "slices of a plain key cannot be combined with concat parts");
  EXPECT_ERROR(bad({"u"}, {1, 1}, {2}, ""),
               "concat parts need a checkpoint key");
  EXPECT_ERROR(bad({"e.*.u"}, {1, 1}, {2}, "e.*.g"),
               "a concatenated parameter needs a dim 1 to join");
}

EntrySignature lmSignature() {
  EntrySignature s;
  s.function = "forward";
  s.inputs = {{"input_ids", DType::I32, {kDynamicDim}, "tensor<?xi32>"},
              {"positions", DType::I64, {kDynamicDim}, "tensor<?xi64>"}};
  s.limits.maxTokens = 4;
  s.limits.maxPositions = 8;
  return s;
}

TEST_F(BindingTest, InputsDefaultPositions) {
  Expected<SafetensorsFile> in = SafetensorsFile::open(
      write("in.safetensors", {{"input_ids", {3}}}, DType::I32));
  ASSERT_TRUE(in) << in.message();
  Expected<std::vector<cpu::Tensor>> args = bindInputs(lmSignature(), *in);
  ASSERT_TRUE(args) << args.message();
  ASSERT_EQ(args->size(), 2u);
  EXPECT_EQ((*args)[1].dtype(), DType::I64);
  EXPECT_EQ((*args)[1].i(), std::vector<int64_t>({0, 1, 2}));
  EXPECT_EQ(tokenCount(lmSignature(), *args), 3);
}

TEST_F(BindingTest, InputsAreChecked) {
  EntrySignature s = lmSignature();
  Expected<SafetensorsFile> many = SafetensorsFile::open(
      write("many.safetensors", {{"input_ids", {5}}}, DType::I32));
  ASSERT_TRUE(many) << many.message();
  EXPECT_ERROR(bindInputs(s, *many),
               "input 'input_ids': 5 tokens, more than the 4 of");
  Expected<SafetensorsFile> wrong = SafetensorsFile::open(
      write("wrong.safetensors", {{"input_ids", {1, 2}}}, DType::I32));
  ASSERT_TRUE(wrong) << wrong.message();
  EXPECT_ERROR(bindInputs(s, *wrong),
               "tensor 'input_ids' is I32[1, 2], argument 0 of @forward is "
               "tensor<?xi32>");
  Expected<SafetensorsFile> none = SafetensorsFile::open(
      write("none.safetensors", {{"ids", {2}}}, DType::I32));
  ASSERT_TRUE(none) << none.message();
  EXPECT_ERROR(bindInputs(s, *none),
               "none.safetensors: no tensor 'input_ids' for argument 0");

  std::vector<cpu::Tensor> args = {cpu::Tensor::ints(DType::I32, {2}, {1, 2}),
                                   cpu::Tensor::ints(DType::I64, {2}, {0, -1})};
  EXPECT_ERROR(checkInputs(s, args),
               "input 'positions': element 1 = -1 is negative");
  args[1] = cpu::Tensor::ints(DType::I64, {2}, {0, 8});
  EXPECT_ERROR(checkInputs(s, args),
               "input 'positions': element 1 = 8 is outside [0, 8)");
  args[1] = cpu::Tensor::ints(DType::I64, {2}, {6, 7});
  EXPECT_TRUE(checkInputs(s, args).ok());
  s.limits = {};
  args[1] = cpu::Tensor::ints(DType::I64, {2}, {0, 100000});
  EXPECT_TRUE(checkInputs(s, args).ok()); // no limit known
  EXPECT_ERROR(checkInputs(s, {args[0]}), "takes 2 inputs, got 1");
}

TEST(Memory, ParseByteSize) {
  EXPECT_EQ(*parseByteSize("4096"), 4096);
  EXPECT_EQ(*parseByteSize("2K"), 2048);
  EXPECT_EQ(*parseByteSize("3m"), 3 << 20);
  EXPECT_EQ(*parseByteSize("64G"), int64_t(64) << 30);
  EXPECT_EQ(*parseByteSize("1GiB"), int64_t(1) << 30);
  EXPECT_EQ(*parseByteSize("2T"), int64_t(2) << 40);
  EXPECT_ERROR(parseByteSize(""), "no number");
  EXPECT_ERROR(parseByteSize("-1"), "no number");
  EXPECT_ERROR(parseByteSize("12Q"), "unknown suffix");
  EXPECT_ERROR(parseByteSize("99999999999999999999"), "too large");
  EXPECT_ERROR(parseByteSize("9999999999T"), "too large");
  EXPECT_GT(defaultMemoryLimit(), 0);
}

TEST(Memory, Budget) {
  MemoryBudget budget(100);
  EXPECT_TRUE(budget.reserve(60, "a").ok());
  EXPECT_ERROR(budget.reserve(50, "result of 'tensor.splat'"),
               "result of 'tensor.splat' needs 50 bytes, above the memory "
               "limit: 60 bytes live of 100 bytes");
  EXPECT_EQ(budget.live(), 60);
  budget.release(60);
  EXPECT_TRUE(budget.reserve(100, "b").ok());
  EXPECT_EQ(budget.peak(), 100);
  EXPECT_ERROR(budget.check(1, "c"), "needs 1 bytes");
  EXPECT_ERROR(budget.check(-1, "d"), "needs");
}

} // namespace
