//===- session_test.cpp - the cpu backend, the session and the C API ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Hand-built programs run on the cpu backend and compared bit for bit with
// direct calls of the reference ops (what ds-interp calls).
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/elementwise.h"
#include "ds/cpu/ops.h"
#include "ds/cpu/tensor_ops.h"
#include "ds/runtime.h"
#include "ds/session.h"

#include "module_builder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include <unistd.h>

using namespace ds;
using namespace ds::test;

namespace {

/// Writes `tensors` to a safetensors file in the test's temp dir.
std::string writeFile(const std::string &name,
                      const std::map<std::string, cpu::Tensor> &tensors) {
  // Unique per process: ctest runs the cases (of several build folders) at
  // once.
  std::string path =
      cat(::testing::TempDir(), "/ds_session_test_", ::getpid(), "_", name);
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<TensorToWrite> out;
  bytes.reserve(tensors.size());
  for (const auto &[n, t] : tensors) {
    bytes.push_back(t.encode());
    out.push_back(
        {n, t.dtype(), t.shape(), bytes.back().data(), bytes.back().size()});
  }
  Status s = writeSafetensors(path, out);
  EXPECT_TRUE(s.ok()) << s.message();
  return path;
}

struct Sample {
  std::map<std::string, cpu::Tensor> weights;
  std::string path;

  Sample() {
    weights.emplace("norm.weight", randomTensor(DType::F32, {8}, 1));
    weights.emplace("proj.weight", randomTensor(DType::BF16, {16, 8}, 2));
    weights.emplace("proj.bias", randomTensor(DType::BF16, {16}, 3));
    path = writeFile("sample_weights.safetensors", weights);
  }
};

std::unique_ptr<Session> open(const Module &m, SessionOptions o = {}) {
  Expected<std::unique_ptr<Session>> s =
      Session::create(std::make_shared<const Module>(m), o);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.ok() ? std::move(s).value() : nullptr;
}

const OutputTensor *output(const Session &s, const std::string &name) {
  for (const OutputTensor &o : s.outputs())
    if (o.name == name)
      return &o;
  return nullptr;
}

} // namespace

/// The sample module has no kernels: the sim says so (builds without the
/// sim say it is not there).
#if DS_HAVE_SIM
const char *const kSimWithoutKernels =
    "the module has no kernels (it was written with --no-kernels); the sim "
    "runs a module's own kernels: recompile it, or use --device cpu";
#else
const char *const kSimWithoutKernels =
    "device 'sim' is not available in this build";
#endif

TEST(CpuBackend, SampleMatchesReferenceOps) {
  Sample w;
  std::unique_ptr<Session> s = open(sampleModule());
  ASSERT_TRUE(s);
  Status bound = s->bindWeights(w.path);
  ASSERT_TRUE(bound.ok()) << bound.message();
  for (int64_t t : {1, 5, 64}) {
    cpu::Tensor x = randomTensor(DType::F32, {t, 8}, 10 + t);
    Expected<const EntryPoint *> e = s->entry("forward");
    ASSERT_TRUE(e.ok());
    Status run = s->run(**e, {x});
    ASSERT_TRUE(run.ok()) << run.message();

    // The same chain, op by op.
    cpu::Tensor h =
        *cpu::rmsNorm(x, w.weights.at("norm.weight"), 1e-5, DType::BF16);
    cpu::Tensor y =
        *cpu::linear(h, w.weights.at("proj.weight"), nullptr,
                     &w.weights.at("proj.bias"), std::nullopt, DType::BF16);
    cpu::Tensor z = *cpu::binary(cpu::BinaryFn::Add, y, y, DType::BF16);
    cpu::Tensor z4 = *cpu::reshape(z, {t, 4, 4});
    cpu::Tensor c = *cpu::extractSlice(z4, {0, 1, 0}, {t, 2, 4}, {1, 2, 1});

    const OutputTensor *oz = output(*s, "z");
    const OutputTensor *oc = output(*s, "c");
    ASSERT_TRUE(oz && oc);
    EXPECT_EQ(oz->dtype, DType::BF16);
    EXPECT_EQ(oz->shape, (cpu::Shape{t, 16}));
    EXPECT_EQ(oz->bytes, z.encode()) << t;
    EXPECT_EQ(oc->shape, (cpu::Shape{t, 2, 4}));
    EXPECT_EQ(oc->bytes, c.encode()) << t;
    ASSERT_EQ(s->timings().size(), 4u);
    EXPECT_EQ(s->timings()[1].kind, OpKind::Gemm);
    EXPECT_EQ(s->timings()[1].location, "sample.mlir:4:5");
  }
}

TEST(CpuBackend, SplitGemmMatchesSeparateLinears) {
  // One gemm whose split epilogue writes q and k: each the bits of
  // cpu::linear over its rows of proj.weight and proj.bias.
  Sample w;
  std::unique_ptr<Session> s = open(splitGemmModule());
  ASSERT_TRUE(s);
  Status bound = s->bindWeights(w.path);
  ASSERT_TRUE(bound.ok()) << bound.message();
  const cpu::Tensor &pw = w.weights.at("proj.weight");
  const cpu::Tensor &pb = w.weights.at("proj.bias");
  auto rowsOf = [](const cpu::Tensor &t, int64_t begin, int64_t n,
                   int64_t cols) {
    cpu::Shape shape = t.shape();
    shape[0] = n;
    return cpu::Tensor::floats(
        t.dtype(), shape,
        std::vector<float>(t.f().begin() + begin * cols,
                           t.f().begin() + (begin + n) * cols));
  };
  for (int64_t t : {1, 7}) {
    cpu::Tensor x = randomTensor(DType::BF16, {t, 8}, 40 + t);
    Expected<const EntryPoint *> e = s->entry("split");
    ASSERT_TRUE(e.ok());
    Status run = s->run(**e, {x});
    ASSERT_TRUE(run.ok()) << run.message();
    int64_t row0 = 0;
    for (auto [name, rows] : {std::pair<const char *, int64_t>{"q", 10},
                              std::pair<const char *, int64_t>{"k", 6}}) {
      cpu::Tensor wi = rowsOf(pw, row0, rows, 8);
      cpu::Tensor bi = rowsOf(pb, row0, rows, 1);
      cpu::Tensor y =
          *cpu::linear(x, wi, nullptr, &bi, std::nullopt, DType::BF16);
      const OutputTensor *o = output(*s, name);
      ASSERT_TRUE(o) << name;
      EXPECT_EQ(o->shape, (cpu::Shape{t, rows}));
      EXPECT_EQ(o->bytes, y.encode()) << name << " at T = " << t;
      row0 += rows;
    }
  }
}

TEST(CpuBackend, MoeChainMatchesReferenceOps) {
  // embedding -> router -> dispatch -> grouped_gemm (fp8) -> swiglu-free
  // combine; rope + attention on a view; fill + concat-style copies.
  Module m = moeModule();
  RouterConfig rc = std::get<RouterAttrs>(m.entries[0].program[1].attrs).config;
  Quant q = *std::get<GroupedGemmAttrs>(m.entries[0].program[3].attrs).quant;
  ASSERT_TRUE(verifyModule(m).ok()) << verifyModule(m).message();

  std::map<std::string, cpu::Tensor> wt;
  wt.emplace("embed", randomTensor(DType::BF16, {32, 16}, 1));
  wt.emplace("gate", randomTensor(DType::BF16, {4, 16}, 2));
  for (int i = 0; i < 4; ++i) {
    wt.emplace(cat("e.", i, ".w"),
               randomTensor(DType::F8E4M3, {16, 16}, 10 + i));
    wt.emplace(cat("e.", i, ".s"),
               cpu::Tensor::floats(DType::F32, {1, 1}, {0.5f + i}));
  }
  std::string path = writeFile("moe_weights.safetensors", wt);
  std::unique_ptr<Session> s = open(m);
  ASSERT_TRUE(s);
  Status bound = s->bindWeights(path);
  ASSERT_TRUE(bound.ok()) << bound.message();

  int64_t t = 6;
  cpu::Tensor idsT = cpu::Tensor::ints(DType::I32, {t}, {3, 1, 4, 1, 5, 9});
  std::vector<uint8_t> idBytes = idsT.encode();
  int64_t shape[] = {t};
  // Through the named-tensor path: positions default to 0 .. T-1.
  TensorInfo in;
  in.name = "input_ids";
  in.dtype = DType::I32;
  in.shape = {t};
  in.data = idBytes.data();
  in.size = idBytes.size();
  (void)shape;
  Status run = s->run("forward", {in});
  ASSERT_TRUE(run.ok()) << run.message();

  cpu::Tensor posT = cpu::Tensor::ints(DType::I32, {t}, {0, 1, 2, 3, 4, 5});
  cpu::Tensor xr = *cpu::embedding(wt.at("embed"), idsT, DType::BF16);
  cpu::RouterResult r =
      *cpu::router(xr, wt.at("gate"), nullptr, rc, DType::F32);
  cpu::DispatchResult d = *cpu::dispatch(xr, r.indices, 4, DType::BF16);
  std::vector<float> wv, sv;
  for (int i = 0; i < 4; ++i) {
    const auto &wi = wt.at(cat("e.", i, ".w")).f();
    wv.insert(wv.end(), wi.begin(), wi.end());
    sv.push_back(0.5f + i);
  }
  cpu::Tensor wAll = cpu::Tensor::floats(DType::F8E4M3, {4, 16, 16}, wv);
  cpu::Tensor sAll = cpu::Tensor::floats(DType::F32, {4, 1, 1}, sv);
  cpu::Tensor hr =
      *cpu::groupedMatmul(d.rows, wAll, d.offsets, &sAll, q, DType::BF16);
  cpu::Tensor yr = *cpu::combine(hr, d.permutation, r.weights, DType::BF16);
  cpu::Tensor y3r = *cpu::reshape(yr, {t, 2, 8});
  cpu::Tensor qrr = *cpu::rope(y3r, posT, 10000.0, RopeStyle::HalfSplit,
                               std::nullopt, DType::BF16);
  cpu::Tensor orr =
      *cpu::attention(qrr, qrr, y3r, nullptr, 0.35, Window{}, DType::BF16);
  cpu::Tensor cr = *cpu::splatFloat(DType::BF16, {t, 4, 8}, 0.5);
  ASSERT_TRUE(cpu::insertSlice(cr, orr, {0, 1, 0}).ok());

  EXPECT_EQ(output(*s, "y")->bytes, yr.encode());
  EXPECT_EQ(output(*s, "indices")->bytes, r.indices.encode());
  EXPECT_EQ(output(*s, "out")->bytes, cr.encode());

  // Without the value cache (every operand decoded from the arena): the
  // same bytes; and a second run of the cached session too.
  SessionOptions plain;
  plain.valueCache = false;
  std::unique_ptr<Session> u = open(m, plain);
  ASSERT_TRUE(u);
  ASSERT_TRUE(u->bindWeights(path).ok());
  ASSERT_TRUE(u->run("forward", {in}).ok());
  std::vector<OutputTensor> first = s->outputs();
  ASSERT_TRUE(s->run("forward", {in}).ok());
  ASSERT_EQ(u->outputs().size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(u->outputs()[i].bytes, first[i].bytes) << first[i].name;
    EXPECT_EQ(s->outputs()[i].bytes, first[i].bytes) << first[i].name;
  }
}

TEST(Session, Errors) {
  Sample w;
  auto module = std::make_shared<const Module>(sampleModule());
  {
    SessionOptions o;
    o.device = "sim";
    Expected<std::unique_ptr<Session>> s = Session::create(module, o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message(), kSimWithoutKernels);
  }
  {
    // cuda: the driver is loaded at run time; without one (every CI
    // machine) the message says so; with one, that the sample module has no
    // kernels. Never a crash, never a success.
    SessionOptions o;
    o.device = "cuda";
    Expected<std::unique_ptr<Session>> s = Session::create(module, o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message().rfind("device 'cuda': ", 0), 0u) << s.message();
    EXPECT_TRUE(s.message().find("no CUDA driver") != std::string::npos ||
                s.message().find("cuInit") != std::string::npos ||
                s.message().find("the module has no kernels") !=
                    std::string::npos)
        << s.message();
  }
  SessionOptions o;
  o.device = "tpu";
  EXPECT_EQ(Session::create(module, o).message(),
            "unknown device 'tpu' (devices: cpu, sim, cuda)");
  o = {};
  // A plan serves every T: a session may be sized above plan.maxTokens, up
  // to the model's limit.
  o.maxTokens = 65;
  o.maxTokensSource = "--max-tokens";
  EXPECT_TRUE(Session::create(module, o).ok());
  auto limited = std::make_shared<Module>(*module);
  limited->limits.maxTokens = 100;
  limited->limits.maxTokensSource = "max_position_embeddings of the model";
  o.maxTokens = 101;
  EXPECT_EQ(Session::create(limited, o).message(),
            "--max-tokens: 101 is above the model's limit of 100 tokens "
            "(max_position_embeddings of the model)");
  o = {};
  o.memoryLimit = 1000;
  EXPECT_NE(
      Session::create(module, o).message().find("more than the memory limit"),
      std::string::npos);

  o = {};
  o.maxTokens = 4;
  o.maxTokensSource = "--max-tokens";
  std::unique_ptr<Session> s = open(*module, o);
  ASSERT_TRUE(s);
  EXPECT_LT(s->arenaBytes(), module->entries[0].plan.peakBytes);
  const EntryPoint &e = module->entries[0];
  EXPECT_EQ(s->run(e, {randomTensor(DType::F32, {2, 8}, 1)}).message(),
            "@forward: the session's weights are not bound");
  // Weights: a missing tensor and a mis-shaped one are named.
  std::map<std::string, cpu::Tensor> bad = w.weights;
  bad.erase("proj.bias");
  std::string missing = writeFile("missing.safetensors", bad);
  EXPECT_EQ(s->bindWeights(missing).message(),
            missing + ": parameter @proj.bias: tensor 'proj.bias' is missing "
                      "from the checkpoint");
  bad = w.weights;
  bad.at("proj.weight") = randomTensor(DType::BF16, {16, 9}, 1);
  std::string shaped = writeFile("shaped.safetensors", bad);
  EXPECT_EQ(s->bindWeights(shaped).message(),
            shaped + ": parameter @proj.weight: tensor 'proj.weight' is "
                     "BF16[16, 9], expected BF16[16, 8]");
  ASSERT_TRUE(s->bindWeights(w.path).ok());
  EXPECT_NE(s->bindWeights(w.path).message().find("bound already"),
            std::string::npos);
  // Inputs.
  EXPECT_EQ(s->run(e, {randomTensor(DType::F32, {5, 8}, 1)}).message(),
            "input 'x': 5 tokens, more than the 4 of --max-tokens");
  EXPECT_EQ(s->run(e, {randomTensor(DType::F32, {2, 7}, 1)}).message(),
            "input 'x' is F32[2, 7], argument 0 of @forward is F32[?, 8]");
  cpu::Tensor x = randomTensor(DType::BF16, {2, 8}, 1);
  std::vector<uint8_t> xb = x.encode();
  TensorInfo in;
  in.name = "x";
  in.dtype = DType::BF16;
  in.shape = {2, 8};
  in.data = xb.data();
  in.size = xb.size();
  EXPECT_EQ(s->run("forward", {in}).message(),
            "inputs: tensor 'x' is BF16[2, 8], argument 0 of @forward is "
            "F32[?, 8]");
  in.name = "y";
  EXPECT_EQ(s->run("forward", {in}).message(),
            "inputs: no tensor 'x' for argument 0 of @forward");
  EXPECT_EQ(s->run("decode", {in}).message(),
            "no entry point @decode in the module (entries: @forward)");
  EXPECT_TRUE(s->run(e, {randomTensor(DType::F32, {4, 8}, 1)}).ok());
}

TEST(CApi, RunsTheSample) {
  Sample w;
  Expected<std::vector<uint8_t>> bytes = serializeModule(sampleModule());
  ASSERT_TRUE(bytes.ok());
  ds_module *m = nullptr;
  ASSERT_EQ(ds_module_load_bytes(bytes->data(), bytes->size(), &m), nullptr);
  EXPECT_STREQ(ds_module_target(m), "sm_90a");
  EXPECT_EQ(ds_module_entry_count(m), 1u);
  EXPECT_STREQ(ds_module_entry_name(m, 0), "forward");
  ds_entry_info info;
  ASSERT_EQ(ds_module_entry_info(m, "forward", &info), nullptr);
  EXPECT_EQ(info.launch_count, 4u);
  ds_port_info port;
  ASSERT_EQ(ds_module_entry_input(m, "forward", 0, &port), nullptr);
  EXPECT_STREQ(port.name, "x");
  EXPECT_EQ(port.dtype, DS_DTYPE_F32);
  ASSERT_EQ(port.rank, 2u);
  EXPECT_EQ(port.shape[0], DS_DYNAMIC_DIM);
  ds_status *st = ds_module_entry_input(m, "forward", 3, &port);
  ASSERT_NE(st, nullptr);
  EXPECT_STREQ(ds_status_message(st), "@forward has 1 inputs, no index 3");
  ds_status_free(st);

  ds_session *s = nullptr;
  st = ds_session_create(m, "sim", nullptr, &s);
  ASSERT_NE(st, nullptr);
  EXPECT_STREQ(ds_status_message(st), kSimWithoutKernels);
  ds_status_free(st);
  ds_session_options o;
  ds_session_options_init(&o);
  o.max_tokens = 8;
  ASSERT_EQ(ds_session_create(m, "cpu", &o, &s), nullptr);
  ds_module_free(m); // the session keeps it
  st = ds_session_bind_weights(s, "/nonexistent.safetensors");
  ASSERT_NE(st, nullptr);
  EXPECT_NE(std::string(ds_status_message(st)).find("/nonexistent"),
            std::string::npos);
  ds_status_free(st);
  ASSERT_EQ(ds_session_bind_weights(s, w.path.c_str()), nullptr);

  cpu::Tensor x = randomTensor(DType::F32, {3, 8}, 7);
  std::vector<uint8_t> xb = x.encode();
  int64_t shape[] = {3, 8};
  ds_tensor in = {"x", DS_DTYPE_F32, 2, shape, xb.data(), xb.size()};
  ASSERT_EQ(ds_session_run(s, "forward", &in, 1), nullptr);
  ASSERT_EQ(ds_session_output_count(s), 2u);
  ds_tensor out;
  ASSERT_EQ(ds_session_output(s, 0, &out), nullptr);
  EXPECT_STREQ(out.name, "z");
  EXPECT_EQ(out.dtype, DS_DTYPE_BF16);
  ASSERT_EQ(out.rank, 2u);
  EXPECT_EQ(out.shape[0], 3);
  cpu::Tensor h =
      *cpu::rmsNorm(x, w.weights.at("norm.weight"), 1e-5, DType::BF16);
  cpu::Tensor y =
      *cpu::linear(h, w.weights.at("proj.weight"), nullptr,
                   &w.weights.at("proj.bias"), std::nullopt, DType::BF16);
  std::vector<uint8_t> z =
      cpu::binary(cpu::BinaryFn::Add, y, y, DType::BF16)->encode();
  ASSERT_EQ(out.size, z.size());
  EXPECT_EQ(
      std::vector<uint8_t>(static_cast<const uint8_t *>(out.data),
                           static_cast<const uint8_t *>(out.data) + out.size),
      z);
  ASSERT_EQ(ds_session_timing_count(s), 4u);
  ds_timing t;
  ASSERT_EQ(ds_session_timing(s, 0, &t), nullptr);
  EXPECT_STREQ(t.op, "norm");
  EXPECT_STREQ(t.location, "sample.mlir:3:5");
  EXPECT_GE(t.microseconds, 0);

  // A wrong input is an error naming it; the session stays usable.
  shape[1] = 9;
  st = ds_session_run(s, nullptr, &in, 1);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(std::string(ds_status_message(st)).rfind("inputs: tensor 'x'", 0),
            0u)
      << ds_status_message(st);
  ds_status_free(st);
  ds_session_free(s);
}
