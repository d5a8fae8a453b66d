//===- safetensors_writer.cpp - the safetensors file writer ---------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//

#include "ds/safetensors.h"

#include "safetensors_common.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <optional>

namespace ds {

using namespace safetensors_detail;

namespace {

void store64le(uint8_t *p, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<uint8_t>(value >> (8 * i));
}

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code
/// points above U+10FFFF).
bool isValidUtf8(std::string_view text) {
  size_t i = 0, n = text.size();
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < n) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t min;
    uint32_t code;
    if ((c & 0xE0) == 0xC0) {
      length = 2, min = 0x80, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, min = 0x800, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, min = 0x10000, code = c & 0x07;
    } else {
      return false;
    }
    if (n - i < length)
      return false;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80)
        return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

} // namespace

Status writeSafetensors(const std::string &path,
                        const std::vector<TensorToWrite> &tensors,
                        const std::map<std::string, std::string> &metadata) {
  auto fail = [&](const std::string &message) {
    return Status::error(path + ": cannot write safetensors file: " + message);
  };

  for (const auto &[key, value] : metadata)
    if (!isValidUtf8(key) || !isValidUtf8(value))
      return fail("metadata entry " + quote(key) + " is not valid UTF-8");

  std::vector<const TensorToWrite *> sorted;
  sorted.reserve(tensors.size());
  for (const TensorToWrite &tensor : tensors)
    sorted.push_back(&tensor);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TensorToWrite *a, const TensorToWrite *b) {
                     return a->name < b->name;
                   });

  Json header = Json::object();
  if (!metadata.empty()) {
    Json &object = header["__metadata__"] = Json::object();
    for (const auto &[key, value] : metadata)
      object[key] = value;
  }
  uint64_t offset = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const TensorToWrite &tensor = *sorted[i];
    std::string where = "tensor " + quote(tensor.name) + ": ";
    if (i > 0 && sorted[i - 1]->name == tensor.name)
      return fail("duplicate tensor name " + quote(tensor.name));
    if (tensor.name == "__metadata__")
      return fail("\"__metadata__\" is reserved and cannot name a tensor");
    if (!isValidUtf8(tensor.name))
      return fail(where + "name is not valid UTF-8");
    if (!isSafetensorsDType(tensor.dtype))
      return fail(where + "dtype " + quote(dtypeName(tensor.dtype)) +
                  " cannot be stored in a safetensors file");
    for (int64_t dim : tensor.shape)
      if (dim < 0)
        return fail(where + "negative dimension in shape " +
                    shapeText(tensor.shape));
    std::optional<uint64_t> numElements = elementCount(tensor.shape);
    std::optional<uint64_t> expectedBytes =
        numElements ? byteSize(tensor.dtype, *numElements) : std::nullopt;
    if (!expectedBytes)
      return fail(where + "byte size of shape " + shapeText(tensor.shape) +
                  " does not fit in 64 bits");
    if (tensor.size != *expectedBytes)
      return fail(cat(where, "size ", tensor.size,
                      " bytes does not match shape ", shapeText(tensor.shape),
                      " of ", dtypeName(tensor.dtype), " (", *expectedBytes,
                      " bytes)"));
    if (!tensor.data && tensor.size != 0)
      return fail(where + "no data");
    if (tensor.size > std::numeric_limits<uint64_t>::max() - offset)
      return fail("total data size does not fit in 64 bits");
    Json entry = Json::object();
    entry["dtype"] = dtypeName(tensor.dtype);
    entry["shape"] = tensor.shape;
    entry["data_offsets"] = Json::array({offset, offset + tensor.size});
    header[tensor.name] = std::move(entry);
    offset += tensor.size;
  }

  std::string text = jsonText(header);
  text.append((8 - text.size() % 8) % 8, ' ');
  uint8_t length[8];
  store64le(length, text.size());

  std::FILE *out = std::fopen(path.c_str(), "wb");
  if (!out)
    return fail(errnoText(errno));
  bool written = std::fwrite(length, 1, 8, out) == 8 &&
                 std::fwrite(text.data(), 1, text.size(), out) == text.size();
  for (size_t i = 0; written && i < sorted.size(); ++i) {
    const TensorToWrite &tensor = *sorted[i];
    if (tensor.size != 0)
      written = std::fwrite(tensor.data, 1, static_cast<size_t>(tensor.size),
                            out) == tensor.size;
  }
  int error = written ? 0 : errno;
  if (std::fclose(out) != 0 && written) {
    written = false;
    error = errno;
  }
  if (!written) {
    std::remove(path.c_str());
    return fail(error ? errnoText(error) : std::string("write failed"));
  }
  return Status();
}

} // namespace ds
