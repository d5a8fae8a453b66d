//===- index_fuzzer.cpp - fuzz the sharded-checkpoint index reader --------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of a `model.safetensors.index.json`. A temporary
// directory (made once) holds two valid shards, model-00001-of-00002 with
// tensors "a" and "b" and model-00002-of-00002 with "c" and "d", plus
// "x.safetensors" holding "a"; each input is written as the index there and
// opened with ds::Checkpoint::open. On success every listed tensor must be
// found in the file that owns it.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "ds/safetensors.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ds;

namespace {

struct ShardDir {
  std::string dir;
  std::string index;

  ShardDir() {
    char pattern[] = "/tmp/ds-index-fuzz-XXXXXX";
    fuzz::check(::mkdtemp(pattern) != nullptr, "mkdtemp");
    dir = pattern;
    index = dir + "/model.safetensors.index.json";
    static const uint8_t Values[] = {1, 2, 3, 4};
    auto shard = [&](const char *name, std::vector<std::string> tensors) {
      std::vector<TensorToWrite> list;
      for (size_t i = 0; i < tensors.size(); ++i)
        list.push_back({tensors[i], DType::U8, {1}, &Values[i], 1});
      Status status = writeSafetensors(dir + "/" + name, list);
      fuzz::check(status.ok(), "writing a shard");
    };
    shard("model-00001-of-00002.safetensors", {"a", "b"});
    shard("model-00002-of-00002.safetensors", {"c", "d"});
    shard("x.safetensors", {"a"});
  }
  ~ShardDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ShardDir shards;
  {
    std::ofstream out(shards.index, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data),
              static_cast<std::streamsize>(size));
    fuzz::check(out.good(), "writing the index");
  }
  Expected<Checkpoint> checkpoint = Checkpoint::open(shards.index);
  if (!checkpoint) {
    fuzz::check(checkpoint.message().rfind(shards.index, 0) == 0,
                "an index error starts with the index path");
    return 0;
  }
  fuzz::check(checkpoint->indexPath() == shards.index, "indexPath");
  for (const std::string &name : checkpoint->names()) {
    const TensorInfo *tensor = checkpoint->find(name);
    fuzz::check(tensor && tensor->name == name, "a listed tensor is found");
    fuzz::check(tensor->size == 1 && tensor->data, "the shard's tensor");
  }
  return 0;
}
