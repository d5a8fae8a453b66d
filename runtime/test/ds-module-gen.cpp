//===- ds-module-gen.cpp - modules, weights and inputs for lit tests ------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//   ds-module-gen <dir>
//
// Writes the hand-built modules of module_builder.h and matching files into
// <dir> (the lit tests of test/runtime/ and the module fuzzer's seeds):
//
//   sample.dsb, sample_weights.safetensors, sample_inputs.safetensors (x
//   [3, 8]), moe.dsb, moe_weights.safetensors, moe_inputs.safetensors
//   (input_ids [6]; positions default), and broken variants:
//   bad_identifier.dsb, truncated.dsb, bad_view.dsb (verifies only as bytes),
//   sample_bad_weights.safetensors (proj.weight [16, 9]),
//   sample_missing_weights.safetensors (no proj.bias),
//   sample_bad_inputs.safetensors (x [3, 7]),
//   sample_misspelt_inputs.safetensors (an extra position_ids),
//   sample_long_inputs.safetensors (x [65, 8]: above the plan's 64 tokens).
//
//===----------------------------------------------------------------------===//

#include "ds/safetensors.h"

#include "module_builder.h"

#include <cstdio>
#include <fstream>
#include <map>

using namespace ds;
using namespace ds::test;

namespace {

std::string Dir;

bool writeBytes(const std::string &name, const std::vector<uint8_t> &bytes) {
  std::ofstream out(Dir + "/" + name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

bool writeTensors(const std::string &name,
                  const std::map<std::string, cpu::Tensor> &tensors) {
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<TensorToWrite> out;
  bytes.reserve(tensors.size());
  for (const auto &[n, t] : tensors) {
    bytes.push_back(t.encode());
    out.push_back(
        {n, t.dtype(), t.shape(), bytes.back().data(), bytes.back().size()});
  }
  Status s = writeSafetensors(Dir + "/" + name, out);
  if (!s.ok())
    std::fprintf(stderr, "ds-module-gen: %s\n", s.message().c_str());
  return s.ok();
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ds-module-gen <dir>\n");
    return 2;
  }
  Dir = argv[1];
  bool ok = true;
  std::vector<uint8_t> sample = serializeModule(sampleModule()).value();
  ok &= writeBytes("sample.dsb", sample);
  std::map<std::string, cpu::Tensor> w;
  w.emplace("norm.weight", randomTensor(DType::F32, {8}, 1));
  w.emplace("proj.weight", randomTensor(DType::BF16, {16, 8}, 2));
  w.emplace("proj.bias", randomTensor(DType::BF16, {16}, 3));
  ok &= writeTensors("sample_weights.safetensors", w);
  auto bad = w;
  bad.at("proj.weight") = randomTensor(DType::BF16, {16, 9}, 2);
  ok &= writeTensors("sample_bad_weights.safetensors", bad);
  bad = w;
  bad.erase("proj.bias");
  ok &= writeTensors("sample_missing_weights.safetensors", bad);
  ok &= writeTensors("sample_inputs.safetensors",
                     {{"x", randomTensor(DType::F32, {3, 8}, 4)}});
  ok &= writeTensors("sample_bad_inputs.safetensors",
                     {{"x", randomTensor(DType::F32, {3, 7}, 4)}});
  ok &= writeTensors(
      "sample_misspelt_inputs.safetensors",
      {{"x", randomTensor(DType::F32, {3, 8}, 4)},
       {"position_ids", cpu::Tensor::ints(DType::I32, {3}, {0, 1, 2})}});
  ok &= writeTensors("sample_long_inputs.safetensors",
                     {{"x", randomTensor(DType::F32, {65, 8}, 4)}});

  std::vector<uint8_t> moe = serializeModule(moeModule()).value();
  ok &= writeBytes("moe.dsb", moe);
  std::map<std::string, cpu::Tensor> mw;
  mw.emplace("embed", randomTensor(DType::BF16, {32, 16}, 1));
  mw.emplace("gate", randomTensor(DType::BF16, {4, 16}, 2));
  for (int i = 0; i < 4; ++i) {
    mw.emplace(cat("e.", i, ".w"),
               randomTensor(DType::F8E4M3, {16, 16}, 10 + i));
    mw.emplace(cat("e.", i, ".s"),
               cpu::Tensor::floats(DType::F32, {1, 1}, {0.5f + i}));
  }
  ok &= writeTensors("moe_weights.safetensors", mw);
  ok &= writeTensors(
      "moe_inputs.safetensors",
      {{"input_ids", cpu::Tensor::ints(DType::I32, {6}, {3, 1, 4, 1, 5, 9})}});

  std::vector<uint8_t> broken = sample;
  broken[4] = 'X';
  ok &= writeBytes("bad_identifier.dsb", broken);
  broken = sample;
  broken.resize(broken.size() / 2);
  ok &= writeBytes("truncated.dsb", broken);
  Module m = sampleModule();
  m.entries[0].buffers[7].viewOffset = 2;
  ok &= writeBytes("bad_view.dsb", serializeModuleUnverified(m));
  return ok ? 0 : 1;
}
