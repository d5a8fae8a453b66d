//===- safetensors_test.cpp - Tests for the safetensors reader/writer -----===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Round trips through writeSafetensors and SafetensorsFile/Checkpoint, and one
// test per validation rule. Corrupt files are written byte by byte (not with
// the writer), and every test checks the message names the file, the tensor
// or field and the offending value, so that removing a check fails a test.
//
//===----------------------------------------------------------------------===//

#include "ds/safetensors.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <initializer_list>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ds;

namespace {

/// Little-endian u64 as 8 bytes.
std::string le64(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>(value >> (8 * i));
  return bytes;
}

void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

/// Checks that `message` contains every one of `parts`.
void expectContains(const std::string &message,
                    std::initializer_list<std::string> parts) {
  for (const std::string &part : parts)
    EXPECT_NE(message.find(part), std::string::npos)
        << "message does not contain '" << part << "':\n  " << message;
}

class SafetensorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "ds_safetensors_XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    ASSERT_NE(mkdtemp(buffer.data()), nullptr) << "mkdtemp " << pattern;
    Dir = buffer.data();
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(Dir, ignored);
  }

  std::string path(const std::string &name) const { return Dir + "/" + name; }

  /// Writes `name` with header length `declared` (default: the header's
  /// size), then `header` and `data` verbatim; returns its path.
  std::string writeRaw(const std::string &name, const std::string &header,
                       const std::string &data = "",
                       std::optional<uint64_t> declared = std::nullopt) {
    std::string file = path(name);
    writeBytes(file,
               le64(declared ? *declared : header.size()) + header + data);
    return file;
  }

  /// Opens `file`, expects a failure and returns its message, which must
  /// start with the file's path.
  static std::string openError(const std::string &file) {
    Expected<SafetensorsFile> result = SafetensorsFile::open(file);
    EXPECT_FALSE(result.ok()) << file << " opened unexpectedly";
    if (result.ok())
      return "";
    EXPECT_EQ(result.message().rfind(file + ": ", 0), 0u)
        << "message does not start with the path:\n  " << result.message();
    return result.message();
  }

  /// Writes a header (one tensor entry or a whole JSON object) with `data`
  /// and returns the error from opening it.
  std::string headerError(const std::string &header,
                          const std::string &data = "") {
    return openError(writeRaw("bad.safetensors", header, data));
  }

  std::string Dir;
};

std::string zeros(size_t n) { return std::string(n, '\0'); }

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, RoundTripSeveralDTypesAndShapes) {
  std::vector<float> f32 = {1.0f, -2.5f, 3.25f, 0.0f, 1e-3f, 65504.0f};
  std::vector<uint16_t> bf16 = {0x3F80, 0xC000, 0x0000, 0x7F80}; // 1,-2,0,inf
  int64_t i64Scalar = -1234567890123LL;
  std::vector<uint8_t> e4m3(15);
  for (size_t i = 0; i < e4m3.size(); ++i)
    e4m3[i] = static_cast<uint8_t>(i * 17);
  std::vector<uint8_t> boolean = {1, 0, 1};
  double f64 = 0.1;

  std::vector<TensorToWrite> tensors = {
      {"model.layers.0.weight", DType::F32, {2, 3}, f32.data(), 24},
      {"bias", DType::BF16, {4}, bf16.data(), 8},
      {"count", DType::I64, {}, &i64Scalar, 8},
      {"empty", DType::U8, {0, 4}, nullptr, 0},
      {"fp8", DType::F8E4M3, {3, 5}, e4m3.data(), 15},
      {"mask", DType::Bool, {3}, boolean.data(), 3},
      {"z.f64", DType::F64, {1, 1}, &f64, 8},
  };
  std::map<std::string, std::string> metadata = {{"format", "pt"},
                                                 {"note", "ds \"test\""}};
  std::string file = path("model.safetensors");
  Status written = writeSafetensors(file, tensors, metadata);
  ASSERT_TRUE(written.ok()) << written.message();

  Expected<SafetensorsFile> opened = SafetensorsFile::open(file);
  ASSERT_TRUE(opened.ok()) << opened.message();
  const SafetensorsFile &st = *opened;
  EXPECT_EQ(st.path(), file);
  EXPECT_EQ(st.metadata(), metadata);
  EXPECT_EQ(st.headerSize() % 8, 0u);
  EXPECT_EQ(st.dataStart(), 8 + st.headerSize());

  std::vector<std::string> expectedNames = {
      "bias", "count", "empty", "fp8", "mask", "model.layers.0.weight",
      "z.f64"};
  EXPECT_EQ(st.names(), expectedNames);
  ASSERT_EQ(st.tensors().size(), expectedNames.size());

  // Data is contiguous in name order, starting at the data buffer.
  uint64_t offset = st.dataStart();
  for (const TensorInfo &tensor : st.tensors()) {
    EXPECT_EQ(tensor.offset, offset) << tensor.name;
    offset += tensor.size;
  }
  EXPECT_EQ(offset, st.fileSize());

  for (const TensorToWrite &expected : tensors) {
    const TensorInfo *tensor = st.find(expected.name);
    ASSERT_NE(tensor, nullptr) << expected.name;
    EXPECT_EQ(tensor->name, expected.name);
    EXPECT_EQ(tensor->dtype, expected.dtype) << expected.name;
    EXPECT_EQ(tensor->shape, expected.shape) << expected.name;
    EXPECT_EQ(tensor->size, expected.size) << expected.name;
    ASSERT_NE(tensor->data, nullptr) << expected.name;
    if (expected.size) {
      EXPECT_EQ(std::memcmp(tensor->data, expected.data, expected.size), 0)
          << expected.name;
    }
  }
  EXPECT_EQ(st.find("count")->numElements(), 1u);
  EXPECT_EQ(st.find("empty")->numElements(), 0u);
  EXPECT_EQ(st.find("fp8")->numElements(), 15u);
  EXPECT_EQ(st.find("missing"), nullptr);
  EXPECT_EQ(st.find("__metadata__"), nullptr);

  // The values decode through the dtype layer.
  const TensorInfo *weight = st.find("model.layers.0.weight");
  std::vector<float> decoded(6);
  ASSERT_TRUE(decodeToFloat(weight->dtype, weight->data, decoded.data(), 6));
  EXPECT_EQ(decoded, f32);

  // The header is padded with spaces and the file is exactly 8 + N + data.
  std::string bytes = readBytes(file);
  EXPECT_EQ(bytes.size(), st.fileSize());
  EXPECT_EQ(bytes[8], '{');
  std::string header = bytes.substr(8, st.headerSize());
  size_t last = header.find_last_not_of(' ');
  EXPECT_EQ(header[last], '}');
  EXPECT_LT(header.size() - last - 1, 8u);
}

TEST_F(SafetensorsTest, WriterSortsByNameAndStartsAtZero) {
  uint32_t a = 1, b = 2;
  std::vector<TensorToWrite> tensors = {{"b", DType::U32, {1}, &b, 4},
                                        {"a", DType::U32, {1}, &a, 4}};
  std::string file = path("sorted.safetensors");
  ASSERT_TRUE(writeSafetensors(file, tensors, {}).ok());
  std::string bytes = readBytes(file);
  // No metadata written when there is none.
  EXPECT_EQ(bytes.find("__metadata__"), std::string::npos);
  EXPECT_NE(bytes.find("\"a\":{\"data_offsets\":[0,4]"), std::string::npos)
      << bytes.substr(8);
  EXPECT_NE(bytes.find("\"b\":{\"data_offsets\":[4,8]"), std::string::npos)
      << bytes.substr(8);
  Expected<SafetensorsFile> st = SafetensorsFile::open(file);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(std::memcmp(st->find("b")->data, &b, 4), 0);
}

TEST_F(SafetensorsTest, ZeroTensorsAreValid) {
  std::string file = path("empty.safetensors");
  ASSERT_TRUE(writeSafetensors(file, {}, {}).ok());
  Expected<SafetensorsFile> st = SafetensorsFile::open(file);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(st->tensors().empty());
  EXPECT_TRUE(st->metadata().empty());
  EXPECT_EQ(st->fileSize(), 8 + st->headerSize());

  // Written by hand: "{}" without padding, and metadata only.
  EXPECT_TRUE(SafetensorsFile::open(writeRaw("a.safetensors", "{}")).ok());
  Expected<SafetensorsFile> meta = SafetensorsFile::open(
      writeRaw("b.safetensors", R"({"__metadata__":{"k":"v"}}  )"));
  ASSERT_TRUE(meta.ok()) << meta.message();
  EXPECT_EQ(meta->metadata().at("k"), "v");
}

TEST_F(SafetensorsTest, MoveKeepsDataValid) {
  uint16_t value = 0x1234;
  std::string file = path("m.safetensors");
  ASSERT_TRUE(
      writeSafetensors(file, {{"x", DType::F16, {}, &value, 2}}, {}).ok());
  Expected<SafetensorsFile> st = SafetensorsFile::open(file);
  ASSERT_TRUE(st.ok()) << st.message();
  const uint8_t *data = st->find("x")->data;
  SafetensorsFile moved = std::move(*st);
  EXPECT_EQ(moved.find("x")->data, data);
  EXPECT_EQ(data[0], 0x34);
  EXPECT_EQ(data[1], 0x12);
  Expected<SafetensorsFile> other = SafetensorsFile::open(file);
  ASSERT_TRUE(other.ok());
  moved = std::move(*other);
  EXPECT_EQ(moved.find("x")->data[0], 0x34);
}

TEST_F(SafetensorsTest, WriterRejectsMalformedTensors) {
  float data[6] = {};
  std::string file = path("w.safetensors");
  Status status =
      writeSafetensors(file, {{"w", DType::F32, {2, 3}, data, 20}}, {});
  ASSERT_FALSE(status.ok());
  expectContains(status.message(),
                 {file, "tensor \"w\"", "size 20", "[2, 3]", "24 bytes"});

  status = writeSafetensors(file, {{"q", DType::I4, {4}, data, 2}}, {});
  ASSERT_FALSE(status.ok());
  expectContains(status.message(), {"tensor \"q\"", "\"I4\""});

  status = writeSafetensors(
      file, {{"d", DType::U8, {1}, data, 1}, {"d", DType::U8, {1}, data, 1}},
      {});
  ASSERT_FALSE(status.ok());
  expectContains(status.message(), {"duplicate tensor name \"d\""});

  status = writeSafetensors(file, {{"n", DType::U8, {-1}, data, 0}}, {});
  ASSERT_FALSE(status.ok());
  expectContains(status.message(), {"tensor \"n\"", "negative", "[-1]"});

  status = writeSafetensors(file, {}, {{"k", "\xff"}});
  ASSERT_FALSE(status.ok());
  expectContains(status.message(), {"\"k\"", "UTF-8"});
}

//===----------------------------------------------------------------------===//
// File-level corruption
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, MissingFile) {
  expectContains(openError(path("nope.safetensors")),
                 {"cannot open", "No such file"});
}

TEST_F(SafetensorsTest, ShorterThanLengthField) {
  std::string file = path("short.safetensors");
  writeBytes(file, std::string("\x02\0\0\0\0", 5));
  expectContains(openError(file), {"file is 5 bytes", "8-byte header length"});
  writeBytes(file, "");
  expectContains(openError(file), {"file is 0 bytes"});
}

TEST_F(SafetensorsTest, HeaderLengthBeyondFile) {
  std::string file = writeRaw("t.safetensors", "{}      ", "", 100);
  expectContains(openError(file), {"header length 100", "beyond the end",
                                   "byte 108", "file is 16 bytes"});
}

TEST_F(SafetensorsTest, OversizedHeaderLength) {
  std::string file =
      writeRaw("o.safetensors", "{}      ", "", MaxSafetensorsHeaderSize + 1);
  expectContains(openError(file),
                 {"header length 100000001", "maximum of 100000000"});
  // A huge value (as from a non-safetensors file) too.
  file = writeRaw("o.safetensors", "{}      ", "", ~0ull);
  expectContains(openError(file),
                 {"header length 18446744073709551615", "maximum"});
}

TEST_F(SafetensorsTest, HeaderNotJson) {
  expectContains(headerError("{not json}  "),
                 {"header: invalid JSON", "syntax error"});
  expectContains(headerError(""), {"header: invalid JSON"});
  // Only whitespace may follow the object.
  expectContains(headerError("{} x"), {"header: invalid JSON"});
  // A NUL byte as padding is not whitespace.
  expectContains(headerError(std::string("{}\0\0\0\0\0\0", 8)),
                 {"header: invalid JSON", "NUL byte at byte 2"});
  expectContains(headerError(std::string("{}\0{\"a\":1}", 10)),
                 {"header: invalid JSON", "NUL byte at byte 2"});
  // Invalid UTF-8 in a string.
  expectContains(headerError("{\"\xff\":1}"), {"header: invalid JSON"});
}

TEST_F(SafetensorsTest, HeaderNotObject) {
  expectContains(headerError("[1,2]   "),
                 {"header is not a JSON object", "array [1,2]"});
  expectContains(headerError("\"x\""),
                 {"header is not a JSON object", "string"});
}

TEST_F(SafetensorsTest, DeepNestingRejected) {
  std::string deep =
      "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  expectContains(headerError(deep), {"nested deeper than 64"});
}

TEST_F(SafetensorsTest, DuplicateTensorKeys) {
  std::string entry = R"({"dtype":"U8","shape":[1],"data_offsets":[0,1]})";
  expectContains(
      headerError("{\"a\":" + entry + ",\"a\":" + entry + "}", zeros(1)),
      {"duplicate key \"a\""});
  // Inside an entry and inside the metadata too.
  expectContains(
      headerError(
          R"({"a":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}})",
          zeros(1)),
      {"duplicate key \"dtype\" inside \"a\""});
  expectContains(headerError(R"({"__metadata__":{"k":"1","k":"2"}})"),
                 {"duplicate key \"k\" inside \"__metadata__\""});
}

TEST_F(SafetensorsTest, MetadataNotStringToString) {
  expectContains(
      headerError(R"({"__metadata__":{"ok":"1","k":1}})"),
      {"field \"__metadata__\"", "key \"k\"", "must be a string", "number 1"});
  expectContains(headerError(R"({"__metadata__":{"k":null}})"),
                 {"key \"k\"", "null"});
  expectContains(
      headerError(R"({"__metadata__":["a"]})"),
      {"field \"__metadata__\"", "expected an object", "array [\"a\"]"});
}

//===----------------------------------------------------------------------===//
// Tensor entries
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, EntryNotObjectOrWrongFields) {
  expectContains(headerError(R"({"w":[1]})"),
                 {"tensor \"w\"", "expected an object", "array [1]"});
  expectContains(headerError(R"({"w":{"dtype":"U8","shape":[]}})"),
                 {"tensor \"w\"", "missing field \"data_offsets\""});
  expectContains(
      headerError(
          R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":0}})",
          zeros(1)),
      {"tensor \"w\"", "unknown field \"x\""});
}

TEST_F(SafetensorsTest, UnknownDType) {
  expectContains(
      headerError(R"({"w":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}})",
                  zeros(1)),
      {"tensor \"w\"", "field \"dtype\"", "unknown dtype \"F7\""});
  // Case matters, and supported-by-safetensors-only types are unknown to ds.
  expectContains(
      headerError(R"({"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})",
                  zeros(4)),
      {"unknown dtype \"f32\""});
  expectContains(
      headerError(R"({"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}})",
                  zeros(8)),
      {"unknown dtype \"C64\""});
  expectContains(
      headerError(R"({"w":{"dtype":7,"shape":[1],"data_offsets":[0,1]}})",
                  zeros(1)),
      {"tensor \"w\"", "field \"dtype\"", "expected a string", "number 7"});
}

TEST_F(SafetensorsTest, I4DTypeRejected) {
  expectContains(
      headerError(R"({"q":{"dtype":"I4","shape":[2],"data_offsets":[0,1]}})",
                  zeros(1)),
      {"tensor \"q\"", "field \"dtype\"", "\"I4\"", "not allowed"});
}

TEST_F(SafetensorsTest, BadShapeEntries) {
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[2,-3],"data_offsets":[0,6]}})",
                  zeros(6)),
      {"tensor \"w\"", "field \"shape\"[1]", "non-negative integer",
       "number -3"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}})",
                  zeros(1)),
      {"tensor \"w\"", "field \"shape\"[0]", "number 1.5"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[2.0],"data_offsets":[0,2]}})",
                  zeros(2)),
      {"field \"shape\"[0]", "number 2.0"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":["2"],"data_offsets":[0,2]}})",
                  zeros(2)),
      {"field \"shape\"[0]", "string \"2\""});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":2,"data_offsets":[0,2]}})",
                  zeros(2)),
      {"tensor \"w\"", "field \"shape\"", "expected an array", "number 2"});
  // Larger than int64.
  expectContains(
      headerError(
          R"({"w":{"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,0]}})"),
      {"field \"shape\"[0]", "9223372036854775808"});
  // Element count overflowing 64 bits.
  expectContains(
      headerError(
          R"({"w":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}})"),
      {"tensor \"w\"", "field \"shape\"", "element count",
       "[4294967296, 4294967296]", "64 bits"});
  // Byte size overflowing 64 bits.
  expectContains(
      headerError(
          R"({"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}})"),
      {"tensor \"w\"", "byte size", "F64", "64 bits"});
}

TEST_F(SafetensorsTest, BadDataOffsets) {
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}})",
                  zeros(1)),
      {"tensor \"w\"", "field \"data_offsets\"", "expected 2 elements",
       "got 1"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}})",
                  zeros(2)),
      {"field \"data_offsets\"", "expected 2 elements", "got 3", "[0,1,2]"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":"0,1"}})",
                  zeros(1)),
      {"field \"data_offsets\"", "expected an array", "string \"0,1\""});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})",
                  zeros(1)),
      {"tensor \"w\"", "field \"data_offsets\"[0]", "number -1"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0.5]}})"),
      {"field \"data_offsets\"[1]", "number 0.5"});
  expectContains(
      headerError(R"({"w":{"dtype":"U8","shape":[4],"data_offsets":[8,4]}})",
                  zeros(8)),
      {"tensor \"w\"", "field \"data_offsets\"", "begin 8",
       "greater than end 4"});
}

TEST_F(SafetensorsTest, SizeShapeMismatch) {
  expectContains(
      headerError(
          R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})",
          zeros(20)),
      {"tensor \"w\"", "data size mismatch", "[2, 3]", "F32", "needs 24 bytes",
       "[0, 20]", "hold 20 bytes"});
  // An empty tensor must have begin == end.
  expectContains(
      headerError(
          R"({"e":{"dtype":"BF16","shape":[0,4],"data_offsets":[0,2]}})",
          zeros(2)),
      {"tensor \"e\"", "needs 0 bytes", "hold 2 bytes"});
  // A scalar has one element.
  expectContains(
      headerError(R"({"s":{"dtype":"I64","shape":[],"data_offsets":[0,0]}})"),
      {"tensor \"s\"", "needs 8 bytes", "hold 0 bytes"});
}

//===----------------------------------------------------------------------===//
// Placement in the data buffer
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, OverlappingOffsets) {
  expectContains(
      headerError(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                  R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                  zeros(24)),
      {"tensor \"b\"", "data_offsets [8, 24]", "overlap tensor \"a\" [0, 16]"});
  // The same range twice.
  expectContains(
      headerError(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                  R"("b":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}})",
                  zeros(4)),
      {"tensor \"b\"", "overlap tensor \"a\""});
}

TEST_F(SafetensorsTest, GapBetweenTensors) {
  expectContains(
      headerError(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                  R"("b":{"dtype":"F32","shape":[4],"data_offsets":[20,36]}})",
                  zeros(36)),
      {"tensor \"b\"", "data_offsets [20, 36]", "gap of 4 bytes",
       "after tensor \"a\"", "ends at 16"});
  expectContains(
      headerError(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[4,20]}})",
                  zeros(20)),
      {"tensor \"a\"", "gap of 4 bytes", "start of the data buffer"});
}

TEST_F(SafetensorsTest, EmptyTensorsMaySitBetweenOthers) {
  Expected<SafetensorsFile> st = SafetensorsFile::open(
      writeRaw("ok.safetensors",
               R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
               R"("e":{"dtype":"F32","shape":[0],"data_offsets":[2,2]},)"
               R"("f":{"dtype":"F32","shape":[3,0],"data_offsets":[2,2]},)"
               R"("b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}})",
               "abc"));
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(st->find("b")->data[0], 'c');
  EXPECT_EQ(st->find("e")->size, 0u);
  // Unaligned header length: data starts right after it.
  EXPECT_EQ(st->find("a")->offset, st->dataStart());
}

TEST_F(SafetensorsTest, TrailingBytesAfterData) {
  std::string header =
      R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  uint64_t n = header.size();
  expectContains(
      headerError(header, zeros(20)),
      {"4 trailing bytes", "end at data offset 16",
       "8 + " + std::to_string(n) + " + 16 = " + std::to_string(8 + n + 16),
       "but it is " + std::to_string(8 + n + 20)});
  // A file without tensors must end with its header.
  expectContains(headerError("{}", "x"), {"1 trailing bytes"});
}

TEST_F(SafetensorsTest, DataBeyondEndOfFile) {
  std::string header =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
  uint64_t n = header.size();
  expectContains(headerError(header, zeros(12)),
                 {"tensor \"b\"", "data_offsets [8, 24]",
                  "beyond the end of the file", "holds 12 bytes",
                  "file size " + std::to_string(8 + n + 12)});
}

//===----------------------------------------------------------------------===//
// Checkpoints
//===----------------------------------------------------------------------===//

class CheckpointTest : public SafetensorsTest {
protected:
  /// Writes shard `name` holding U8 tensors `names`, each [1] with value i.
  std::string writeShard(const std::string &name,
                         const std::vector<std::string> &names) {
    static const uint8_t Values[] = {0, 1, 2, 3, 4, 5, 6, 7};
    std::vector<TensorToWrite> tensors;
    for (size_t i = 0; i < names.size(); ++i)
      tensors.push_back({names[i], DType::U8, {1}, &Values[i % 8], 1});
    std::string file = path(name);
    Status status = writeSafetensors(file, tensors, {{"format", "pt"}});
    EXPECT_TRUE(status.ok()) << status.message();
    return file;
  }

  /// Writes model.safetensors.index.json with `weightMap` (JSON object text).
  std::string
  writeIndex(const std::string &weightMap,
             const std::string &name = "model.safetensors.index.json") {
    std::string file = path(name);
    writeBytes(file, R"({"metadata":{"total_size":4,"format":"pt"},)"
                     R"("weight_map":)" +
                         weightMap + "}");
    return file;
  }

  std::string indexError(const std::string &index) {
    Expected<Checkpoint> result = Checkpoint::open(index);
    EXPECT_FALSE(result.ok()) << index << " opened unexpectedly";
    if (result.ok())
      return "";
    EXPECT_EQ(result.message().rfind(index + ": ", 0), 0u)
        << "message does not start with the index path:\n  "
        << result.message();
    return result.message();
  }

  void writeTwoShards() {
    writeShard("model-00001-of-00002.safetensors", {"a", "b"});
    writeShard("model-00002-of-00002.safetensors", {"c", "d"});
  }

  const std::string TwoShardMap = R"({"a":"model-00001-of-00002.safetensors",)"
                                  R"("b":"model-00001-of-00002.safetensors",)"
                                  R"("c":"model-00002-of-00002.safetensors",)"
                                  R"("d":"model-00002-of-00002.safetensors"})";
};

TEST_F(CheckpointTest, SingleFileAndDirectory) {
  std::string file = writeShard("model.safetensors", {"x", "y"});
  for (const std::string &where : {file, Dir, Dir + "/"}) {
    Expected<Checkpoint> ckpt = Checkpoint::open(where);
    ASSERT_TRUE(ckpt.ok()) << where << ": " << ckpt.message();
    EXPECT_EQ(ckpt->names(), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(ckpt->size(), 2u);
    ASSERT_EQ(ckpt->files().size(), 1u);
    EXPECT_TRUE(ckpt->indexPath().empty());
    EXPECT_EQ(ckpt->files()[0].metadata().at("format"), "pt");
    ASSERT_NE(ckpt->find("y"), nullptr);
    EXPECT_EQ(ckpt->find("y")->data[0], 1);
    EXPECT_EQ(ckpt->find("z"), nullptr);
  }
}

TEST_F(CheckpointTest, ShardedIndex) {
  writeTwoShards();
  std::string index = writeIndex(TwoShardMap);
  for (const std::string &where : {index, Dir}) {
    Expected<Checkpoint> ckpt = Checkpoint::open(where);
    ASSERT_TRUE(ckpt.ok()) << where << ": " << ckpt.message();
    EXPECT_EQ(ckpt->indexPath(), index);
    EXPECT_EQ(ckpt->names(), (std::vector<std::string>{"a", "b", "c", "d"}));
    ASSERT_EQ(ckpt->files().size(), 2u);
    EXPECT_EQ(ckpt->files()[0].path(),
              path("model-00001-of-00002.safetensors"));
    EXPECT_EQ(ckpt->files()[1].path(),
              path("model-00002-of-00002.safetensors"));
    EXPECT_EQ(ckpt->indexMetadata().at("total_size"), "4");
    EXPECT_EQ(ckpt->indexMetadata().at("format"), "pt");
    ASSERT_NE(ckpt->find("d"), nullptr);
    EXPECT_EQ(ckpt->find("d")->data[0], 1);
    EXPECT_EQ(ckpt->find("c")->data[0], 0);
    EXPECT_EQ(ckpt->find("d")->data, ckpt->files()[1].find("d")->data);
  }
}

TEST_F(CheckpointTest, IndexRelativeToItsDirectory) {
  // Opening the index by a relative path finds shards next to it.
  writeTwoShards();
  std::string index = writeIndex(TwoShardMap, "custom.index.json");
  std::string cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(Dir);
  Expected<Checkpoint> ckpt = Checkpoint::open("custom.index.json");
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(ckpt.ok()) << ckpt.message();
  EXPECT_EQ(ckpt->size(), 4u);
}

TEST_F(CheckpointTest, MissingPathOrEmptyDirectory) {
  Expected<Checkpoint> missing = Checkpoint::open(path("none"));
  ASSERT_FALSE(missing.ok());
  expectContains(missing.message(), {path("none"), "No such file"});
  Expected<Checkpoint> empty = Checkpoint::open(Dir);
  ASSERT_FALSE(empty.ok());
  expectContains(empty.message(), {Dir, "neither model.safetensors nor "
                                        "model.safetensors.index.json"});
}

TEST_F(CheckpointTest, CorruptSingleFileNamesIt) {
  std::string file = writeRaw("model.safetensors", "[]");
  Expected<Checkpoint> ckpt = Checkpoint::open(Dir);
  ASSERT_FALSE(ckpt.ok());
  expectContains(ckpt.message(), {file, "not a JSON object"});
}

TEST_F(CheckpointTest, IndexMissingShardFile) {
  writeShard("model-00001-of-00002.safetensors", {"a", "b"});
  std::string index = writeIndex(TwoShardMap);
  expectContains(indexError(index),
                 {"shard \"model-00002-of-00002.safetensors\"",
                  "tensor \"c\" and 1 more",
                  path("model-00002-of-00002.safetensors") + ": cannot open",
                  "No such file"});
}

TEST_F(CheckpointTest, IndexTensorMissingFromShard) {
  writeShard("model-00001-of-00002.safetensors", {"a", "b"});
  writeShard("model-00002-of-00002.safetensors", {"c"});
  std::string index = writeIndex(TwoShardMap);
  expectContains(indexError(index),
                 {"tensor \"d\"", "shard \"model-00002-of-00002.safetensors\"",
                  "has no such tensor"});
}

TEST_F(CheckpointTest, ShardTensorMissingFromIndex) {
  writeShard("model-00001-of-00002.safetensors", {"a", "b", "extra"});
  writeShard("model-00002-of-00002.safetensors", {"c", "d"});
  std::string index = writeIndex(TwoShardMap);
  expectContains(indexError(index),
                 {"shard \"model-00001-of-00002.safetensors\"",
                  "tensor \"extra\"", "not in the weight_map"});
}

TEST_F(CheckpointTest, TensorInTwoShards) {
  writeShard("model-00001-of-00002.safetensors", {"a", "b", "c"});
  writeShard("model-00002-of-00002.safetensors", {"c", "d"});
  std::string index = writeIndex(TwoShardMap);
  expectContains(indexError(index),
                 {"tensor \"c\"", "shard \"model-00001-of-00002.safetensors\"",
                  "assigns it to shard \"model-00002-of-00002.safetensors\""});
}

TEST_F(CheckpointTest, MalformedIndex) {
  writeTwoShards();
  std::string index = path("model.safetensors.index.json");
  writeBytes(index, "{\"metadata\":{}}");
  expectContains(indexError(index), {"missing field \"weight_map\""});
  writeBytes(index, "{\"weight_map\":[]}");
  expectContains(indexError(index),
                 {"field \"weight_map\"", "expected an object", "array []"});
  writeBytes(index, "{\"weight_map\":{\"a\":1}}");
  expectContains(indexError(index),
                 {"field \"weight_map\"", "tensor \"a\"", "number 1"});
  writeBytes(index, "{\"weight_map\":{\"a\":\"../x.safetensors\"}}");
  expectContains(
      indexError(index),
      {"tensor \"a\"", "shard \"../x.safetensors\"", "not a plain file name"});
  writeBytes(index, "{\"weight_map\":{\"a\":\"x\",\"a\":\"y\"}}");
  expectContains(indexError(index),
                 {"duplicate key \"a\" inside \"weight_map\""});
  writeBytes(index, "{\"weight_map\":");
  expectContains(indexError(index), {"invalid JSON"});
  writeBytes(index, "{\"metadata\":3,\"weight_map\":{}}");
  expectContains(indexError(index), {"field \"metadata\"", "number 3"});
  // An empty weight_map is an empty checkpoint.
  writeBytes(index, "{\"weight_map\":{}}");
  Expected<Checkpoint> empty = Checkpoint::open(index);
  ASSERT_TRUE(empty.ok()) << empty.message();
  EXPECT_EQ(empty->size(), 0u);
}

//===----------------------------------------------------------------------===//
// Special and empty files
//===----------------------------------------------------------------------===//

/// Runs `open` (which must not block) and returns its error message. If it
/// is still running after a few seconds it is blocked on the FIFO `fifo`:
/// the FIFO is opened for writing to release it, and the test fails.
std::string errorWithoutBlocking(const std::function<std::string()> &open,
                                 const std::string &fifo) {
  std::future<std::string> result = std::async(std::launch::async, open);
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "opening " << fifo << " blocks";
    int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0)
      ::close(fd);
  }
  return result.get();
}

std::string checkpointError(const std::string &path) {
  Expected<Checkpoint> result = Checkpoint::open(path);
  EXPECT_FALSE(result.ok()) << path << " opened unexpectedly";
  return result.ok() ? "" : result.message();
}

std::string fileError(const std::string &path) {
  Expected<SafetensorsFile> result = SafetensorsFile::open(path);
  EXPECT_FALSE(result.ok()) << path << " opened unexpectedly";
  return result.ok() ? "" : result.message();
}

TEST_F(CheckpointTest, FifoSafetensorsFails) {
  std::string fifo = path("model.safetensors");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << "mkfifo " << fifo;
  for (const std::string &where : {fifo, Dir}) {
    std::string message =
        errorWithoutBlocking([&] { return checkpointError(where); }, fifo);
    expectContains(message, {fifo + ": not a regular file (it is a FIFO)"});
  }
  std::string message =
      errorWithoutBlocking([&] { return fileError(fifo); }, fifo);
  expectContains(message, {fifo + ": not a regular file (it is a FIFO)"});
}

TEST_F(CheckpointTest, FifoIndexFails) {
  std::string fifo = path("model.safetensors.index.json");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << "mkfifo " << fifo;
  for (const std::string &where : {fifo, Dir}) {
    std::string message =
        errorWithoutBlocking([&] { return checkpointError(where); }, fifo);
    expectContains(message, {fifo + ": not a regular file (it is a FIFO)"});
  }
}

TEST_F(CheckpointTest, FifoShardFails) {
  writeShard("model-00001-of-00002.safetensors", {"a", "b"});
  std::string fifo = path("model-00002-of-00002.safetensors");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << "mkfifo " << fifo;
  std::string index = writeIndex(TwoShardMap);
  std::string message =
      errorWithoutBlocking([&] { return checkpointError(index); }, fifo);
  expectContains(message,
                 {index + ": shard \"model-00002-of-00002.safetensors\"",
                  fifo + ": not a regular file (it is a FIFO)"});
}

TEST_F(CheckpointTest, DirectoryInsteadOfFileFails) {
  std::string dir = path("model.safetensors");
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0) << "mkdir " << dir;
  expectContains(fileError(dir), {dir + ": not a regular file (it is a "
                                        "directory)"});
  // A directory named model.safetensors inside a checkpoint directory.
  expectContains(checkpointError(Dir),
                 {dir + ": not a regular file (it is a directory)"});
  // A directory named like the index of a checkpoint directory.
  std::string indexDir = path("sub/model.safetensors.index.json");
  std::filesystem::create_directories(indexDir);
  expectContains(checkpointError(path("sub")),
                 {indexDir + ": not a regular file (it is a directory)"});
}

TEST_F(CheckpointTest, EmptyIndexFails) {
  std::string index = path("model.safetensors.index.json");
  writeBytes(index, "");
  for (const std::string &where : {index, Dir})
    expectContains(checkpointError(where),
                   {index + ": file is empty (0 bytes)"});
  // Whitespace only: the JSON text is empty.
  writeBytes(index, "  \n");
  expectContains(indexError(index), {"invalid JSON"});
}

TEST_F(CheckpointTest, EmptyAndZeroHeaderSafetensorsFail) {
  std::string file = path("model.safetensors");
  writeBytes(file, "");
  expectContains(fileError(file), {file + ": file is 0 bytes, too short"});
  expectContains(checkpointError(Dir), {file + ": file is 0 bytes"});
  // A zero header length: the JSON text is empty.
  std::string zero = writeRaw("zero.safetensors", "");
  expectContains(openError(zero), {zero + ": header: invalid JSON: empty"});
  // An empty shard.
  std::string shard = path("model-00002-of-00002.safetensors");
  writeShard("model-00001-of-00002.safetensors", {"a", "b"});
  writeBytes(shard, "");
  std::string index = writeIndex(TwoShardMap);
  expectContains(indexError(index), {shard + ": file is 0 bytes"});
}

} // namespace
