//===- safetensors_fuzzer.cpp - fuzz the safetensors file reader ----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Input: the bytes of one .safetensors file. Opens it with
// ds::SafetensorsFile::open; on success checks the reader's promises (the
// tensors tile the data buffer, each lies inside the file, lookups find
// them) and decodes every tensor as the CPU reference would.
//
//===----------------------------------------------------------------------===//

#include "FuzzUtil.h"

#include "ds/cpu/tensor.h"
#include "ds/safetensors.h"

using namespace ds;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static fuzz::MemFile file("model.safetensors");
  Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.write(data, size));
  if (!opened) {
    fuzz::check(!opened.message().empty(), "an error has a message");
    return 0;
  }
  const SafetensorsFile &st = *opened;
  fuzz::check(st.fileSize() == size, "fileSize is the input size");
  fuzz::check(st.dataStart() <= size, "data buffer starts inside the file");
  uint64_t total = 0;
  for (const TensorInfo &tensor : st.tensors()) {
    fuzz::check(tensor.offset >= st.dataStart() && tensor.offset <= size &&
                    tensor.size <= size - tensor.offset,
                "tensor lies inside the file");
    fuzz::check(tensor.data != nullptr, "tensor data is non-null");
    fuzz::check(st.find(tensor.name) == &tensor, "find returns the tensor");
    total += tensor.size;
    // Tensors are at most `size` bytes, so decoding them stays small.
    Expected<cpu::Tensor> decoded = cpu::Tensor::decode(
        tensor.dtype, tensor.shape, tensor.data, tensor.size);
    (void)decoded;
  }
  fuzz::check(total == size - st.dataStart(), "tensors tile the data buffer");
  return 0;
}
