//===- safetensors_common.h - helpers of the safetensors reader -*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Private to runtime/lib: what the safetensors reader (safetensors_file.cpp),
// the sharded-checkpoint index (safetensors_index.cpp) and the writer
// (safetensors_writer.cpp) share: message formatting, the non-throwing JSON
// parser, and opening files that must be regular.
//
// Never throws: JSON is parsed through nlohmann's SAX interface (which reports
// errors through a callback instead of exceptions) into a DOM built here, and
// values are only read through the non-throwing get_ptr accessors, so the
// files also work when built with -fno-exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef DS_RUNTIME_LIB_SAFETENSORS_COMMON_H
#define DS_RUNTIME_LIB_SAFETENSORS_COMMON_H

#include "ds/status.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ds::safetensors_detail {

using Json = nlohmann::json;

/// `text`, cut to a length fit for a message.
std::string truncated(std::string text);

/// `text` in double quotes, with quotes, backslashes and control characters
/// escaped, shortened if very long.
std::string quote(std::string_view text);

/// Compact JSON text of `value` (never throws; invalid UTF-8 is replaced).
std::string jsonText(const Json &value);

/// "number -3", "string \"a\"", "array [1,2]", ... for messages.
std::string describe(const Json &value);

/// "[2, 3]".
std::string shapeText(const std::vector<int64_t> &shape);

/// The product of the (non-negative) dimensions `shape`, or nullopt if it
/// does not fit in 64 bits. A zero dimension makes it 0 whatever the others.
std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape);

/// strerror(error).
std::string errnoText(int error);

/// Parses the JSON text [begin, end): exactly one value, surrounded by
/// optional whitespace, duplicate keys and deep nesting rejected. An empty
/// range (begin may then be null) is an error.
Expected<Json> parseJson(const uint8_t *begin, const uint8_t *end);

/// A non-negative integer value, or nullopt.
std::optional<uint64_t> asUnsigned(const Json &value);

/// An open regular file: its descriptor (owned by the caller) and size.
struct OpenFile {
  int fd;
  uint64_t size;
};

/// Opens `path` read-only; fails unless it is a regular file. Never blocks:
/// a FIFO, a device or a directory is rejected right after opening it
/// non-blocking.
Expected<OpenFile> openRegularFile(const std::string &path);

/// Reads a whole (small) regular file; fails if it is empty or larger than
/// `maxSize` bytes.
Expected<std::vector<uint8_t>> readFile(const std::string &path,
                                        uint64_t maxSize);

} // namespace ds::safetensors_detail

#endif // DS_RUNTIME_LIB_SAFETENSORS_COMMON_H
