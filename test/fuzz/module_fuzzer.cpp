//===- module_fuzzer.cpp - fuzz the .dsb module loader --------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of one `.dsb` module. Parses it with ds::parseModule (the
// flatbuffers Verifier, then every cross-reference and shape rule); on
// success checks the loader's promises: the module verifies, serializes and
// parses back to the same bytes, and each entry's signature and buffer
// sizes at its plan's max tokens are computable. The same bytes through
// loadModuleFile must give the same answer.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "ds/module.h"

using namespace ds;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Expected<Module> parsed = parseModule(data, size);
  static fuzz::MemFile file("model.dsb");
  Expected<Module> loaded = loadModuleFile(file.write(data, size));
  fuzz::check(parsed.ok() == loaded.ok(), "parse and load agree");
  if (!parsed) {
    fuzz::check(!parsed.message().empty(), "an error has a message");
    return 0;
  }
  const Module &m = *parsed;
  fuzz::check(verifyModule(m).ok(), "a parsed module verifies");
  Expected<std::vector<uint8_t>> bytes = serializeModule(m);
  fuzz::check(bytes.ok(), "a parsed module serializes");
  Expected<Module> again = parseModule(bytes->data(), bytes->size());
  fuzz::check(again.ok(), "a serialized module parses");
  Expected<std::vector<uint8_t>> twice = serializeModule(*again);
  fuzz::check(twice.ok() && *twice == *bytes, "the round trip is exact");
  for (const EntryPoint &e : m.entries) {
    EntrySignature sig = entrySignature(m, e);
    fuzz::check(sig.inputs.size() == e.inputs.size(), "one spec per input");
    for (const Buffer &b : e.buffers) {
      Expected<int64_t> n = bufferBytes(b.dtype, b.dims, e.plan.maxTokens, "b");
      fuzz::check(n.ok() && *n >= 0, "buffer sizes are bounded");
    }
  }
  return 0;
}
