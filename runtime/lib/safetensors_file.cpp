//===- safetensors_file.cpp - the safetensors file reader -----------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// SafetensorsFile: maps one file and validates its header (see
// ds/safetensors.h for the rules).
//
//===----------------------------------------------------------------------===//

#include "ds/safetensors.h"

#include "safetensors_common.h"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <optional>
#include <utility>

#include <sys/mman.h>
#include <unistd.h>

namespace ds {

using namespace safetensors_detail;

namespace {

uint64_t load64le(const uint8_t *p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = (value << 8) | p[i];
  return value;
}

//===----------------------------------------------------------------------===//
// Header fields
//===----------------------------------------------------------------------===//

Status parseMetadata(const Json &value,
                     std::map<std::string, std::string> &metadata) {
  const auto *object = value.get_ptr<const Json::object_t *>();
  if (!object)
    return Status::error(cat("field \"__metadata__\": expected an object of "
                             "strings, got ",
                             describe(value)));
  for (const auto &[key, item] : *object) {
    const auto *text = item.get_ptr<const Json::string_t *>();
    if (!text)
      return Status::error(cat("field \"__metadata__\": value of key ",
                               quote(key), " must be a string, got ",
                               describe(item)));
    metadata[key] = *text;
  }
  return Status();
}

/// A tensor entry as read from the header; `begin`/`end` are relative to the
/// data buffer.
struct Entry {
  TensorInfo info;
  uint64_t begin = 0;
  uint64_t end = 0;
};

/// Parses and checks one tensor entry (all but its position in the buffer).
/// Messages start with the tensor name.
Status parseEntry(const std::string &name, const Json &value, Entry &entry) {
  std::string where = "tensor " + quote(name) + ": ";
  auto fail = [&](const std::string &message) {
    return Status::error(where + message);
  };

  const auto *object = value.get_ptr<const Json::object_t *>();
  if (!object)
    return fail("expected an object with \"dtype\", \"shape\" and "
                "\"data_offsets\", got " +
                describe(value));
  for (const auto &item : *object)
    if (item.first != "dtype" && item.first != "shape" &&
        item.first != "data_offsets")
      return fail("unknown field " + quote(item.first) +
                  " (expected only \"dtype\", \"shape\" and "
                  "\"data_offsets\")");
  for (const char *field : {"dtype", "shape", "data_offsets"})
    if (object->find(field) == object->end())
      return fail(cat("missing field \"", field, "\""));

  entry.info.name = name;

  // dtype
  const Json &dtypeValue = object->at("dtype");
  const auto *dtypeText = dtypeValue.get_ptr<const Json::string_t *>();
  if (!dtypeText)
    return fail("field \"dtype\": expected a string, got " +
                describe(dtypeValue));
  std::optional<DType> dtype = parseDType(*dtypeText);
  if (!dtype)
    return fail("field \"dtype\": unknown dtype " + quote(*dtypeText));
  if (!isSafetensorsDType(*dtype))
    return fail("field \"dtype\": " + quote(*dtypeText) +
                " is a ds-internal packed type, not allowed in a "
                "safetensors file");
  entry.info.dtype = *dtype;

  // shape
  const Json &shapeValue = object->at("shape");
  const auto *dims = shapeValue.get_ptr<const Json::array_t *>();
  if (!dims)
    return fail("field \"shape\": expected an array of non-negative "
                "integers, got " +
                describe(shapeValue));
  for (size_t i = 0; i < dims->size(); ++i) {
    std::optional<uint64_t> dim = asUnsigned((*dims)[i]);
    if (!dim ||
        *dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return fail(cat("field \"shape\"[", i,
                      "]: expected a non-negative integer, got ",
                      describe((*dims)[i])));
    entry.info.shape.push_back(static_cast<int64_t>(*dim));
  }
  std::optional<uint64_t> numElements = elementCount(entry.info.shape);
  if (!numElements)
    return fail("field \"shape\": the element count of " +
                shapeText(entry.info.shape) + " does not fit in 64 bits");
  std::optional<uint64_t> expectedBytes =
      byteSize(entry.info.dtype, *numElements);
  if (!expectedBytes)
    return fail(cat("field \"shape\": the byte size of ",
                    shapeText(entry.info.shape), " x ",
                    dtypeName(entry.info.dtype), " does not fit in 64 bits"));

  // data_offsets
  const Json &offsetsValue = object->at("data_offsets");
  const auto *offsets = offsetsValue.get_ptr<const Json::array_t *>();
  if (!offsets)
    return fail("field \"data_offsets\": expected an array [begin, end], "
                "got " +
                describe(offsetsValue));
  if (offsets->size() != 2)
    return fail(cat("field \"data_offsets\": expected 2 elements [begin, "
                    "end], got ",
                    offsets->size(), ": ", truncated(jsonText(offsetsValue))));
  uint64_t bounds[2];
  for (size_t i = 0; i < 2; ++i) {
    std::optional<uint64_t> bound = asUnsigned((*offsets)[i]);
    if (!bound)
      return fail(cat("field \"data_offsets\"[", i,
                      "]: expected a non-negative integer, got ",
                      describe((*offsets)[i])));
    bounds[i] = *bound;
  }
  entry.begin = bounds[0];
  entry.end = bounds[1];
  if (entry.begin > entry.end)
    return fail(cat("field \"data_offsets\": begin ", entry.begin,
                    " is greater than end ", entry.end));
  uint64_t actualBytes = entry.end - entry.begin;
  if (actualBytes != *expectedBytes)
    return fail(cat("data size mismatch: shape ", shapeText(entry.info.shape),
                    " of ", dtypeName(entry.info.dtype), " needs ",
                    *expectedBytes, " bytes, but data_offsets [", entry.begin,
                    ", ", entry.end, "] hold ", actualBytes, " bytes"));
  entry.info.size = actualBytes;
  return Status();
}

} // namespace

//===----------------------------------------------------------------------===//
// TensorInfo
//===----------------------------------------------------------------------===//

uint64_t TensorInfo::numElements() const {
  uint64_t count = 1;
  for (int64_t dim : shape)
    count *= static_cast<uint64_t>(dim);
  return count;
}

//===----------------------------------------------------------------------===//
// SafetensorsFile
//===----------------------------------------------------------------------===//

Expected<SafetensorsFile> SafetensorsFile::open(std::string path) {
  Expected<OpenFile> opened = openRegularFile(path);
  if (!opened)
    return opened.status();
  int fd = opened->fd;
  uint64_t size = opened->size;
  if (size < 8) {
    ::close(fd);
    return Status::error(cat(path, ": file is ", size,
                             " bytes, too short for the 8-byte header "
                             "length field"));
  }
  if (size > std::numeric_limits<size_t>::max()) {
    ::close(fd);
    return Status::error(
        cat(path, ": file of ", size, " bytes is too large to map"));
  }
  void *map =
      ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
  int mapError = errno;
  ::close(fd);
  if (map == MAP_FAILED)
    return Status::error(path + ": cannot map: " + errnoText(mapError));

  SafetensorsFile file;
  file.Path = std::move(path);
  file.Map = static_cast<const uint8_t *>(map);
  file.Size = size;
  Status status = file.parseHeader();
  if (!status.ok())
    return status;
  return file;
}

Status SafetensorsFile::parseHeader() {
  auto fail = [&](const std::string &message) {
    return Status::error(Path + ": " + message);
  };

  uint64_t headerSize = load64le(Map);
  if (headerSize > MaxSafetensorsHeaderSize)
    return fail(cat("header length ", headerSize,
                    " (bytes 0..7) exceeds the maximum of ",
                    MaxSafetensorsHeaderSize, " bytes"));
  if (headerSize > Size - 8)
    return fail(cat("header length ", headerSize,
                    " (bytes 0..7) extends beyond the end of the file: the "
                    "header would end at byte ",
                    8 + headerSize, " but the file is ", Size, " bytes"));
  HeaderSize = headerSize;
  uint64_t dataSize = Size - 8 - headerSize;

  Expected<Json> header = parseJson(Map + 8, Map + 8 + headerSize);
  if (!header)
    return fail("header: " + header.message());
  const auto *object = header->get_ptr<const Json::object_t *>();
  if (!object)
    return fail("header is not a JSON object (got " + describe(*header) + ")");

  // Entries come out of the (sorted) JSON object sorted by name.
  std::vector<Entry> entries;
  entries.reserve(object->size());
  for (const auto &[key, value] : *object) {
    if (key == "__metadata__") {
      Status status = parseMetadata(value, Metadata);
      if (!status.ok())
        return fail(status.message());
      continue;
    }
    Entry entry;
    Status status = parseEntry(key, value, entry);
    if (!status.ok())
      return fail(status.message());
    if (entry.end > dataSize)
      return fail(cat("tensor ", quote(key), ": data_offsets [", entry.begin,
                      ", ", entry.end,
                      "] extend beyond the end of the file: the data buffer "
                      "holds ",
                      dataSize, " bytes (file size ", Size, " - 8 - header ",
                      headerSize, ")"));
    entries.push_back(std::move(entry));
  }

  // The data buffer must be tiled exactly: sorted by offset, each tensor
  // begins where the previous one ends, the first at 0, the last at the end.
  std::vector<const Entry *> byOffset;
  byOffset.reserve(entries.size());
  for (const Entry &entry : entries)
    byOffset.push_back(&entry);
  std::stable_sort(
      byOffset.begin(), byOffset.end(), [](const Entry *a, const Entry *b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
      });
  uint64_t expected = 0;
  const Entry *previous = nullptr;
  for (const Entry *entry : byOffset) {
    std::string where = "tensor " + quote(entry->info.name) +
                        ": data_offsets [" + std::to_string(entry->begin) +
                        ", " + std::to_string(entry->end) + "]";
    if (entry->begin > expected) {
      if (!previous)
        return fail(cat(where, " leave a gap of ", entry->begin,
                        " bytes at the start of the data buffer (the first "
                        "tensor must begin at 0)"));
      return fail(cat(where, " leave a gap of ", entry->begin - expected,
                      " bytes after tensor ", quote(previous->info.name),
                      ", which ends at ", expected));
    }
    if (entry->begin < expected)
      return fail(cat(where, " overlap tensor ", quote(previous->info.name),
                      " [", previous->begin, ", ", previous->end, "]"));
    expected = entry->end;
    previous = entry;
  }
  if (expected != dataSize)
    return fail(cat("file has ", dataSize - expected,
                    " trailing bytes after the tensor data: the tensors end "
                    "at data offset ",
                    expected, ", so the file should be 8 + ", headerSize, " + ",
                    expected, " = ", 8 + headerSize + expected,
                    " bytes, but it is ", Size));

  Tensors.reserve(entries.size());
  for (Entry &entry : entries) {
    entry.info.offset = 8 + headerSize + entry.begin;
    entry.info.data = Map + entry.info.offset;
    Tensors.push_back(std::move(entry.info));
  }
  return Status();
}

SafetensorsFile::SafetensorsFile(SafetensorsFile &&other) noexcept
    : Path(std::move(other.Path)), Map(other.Map), Size(other.Size),
      HeaderSize(other.HeaderSize), Tensors(std::move(other.Tensors)),
      Metadata(std::move(other.Metadata)) {
  other.Map = nullptr;
  other.Size = 0;
  other.HeaderSize = 0;
}

SafetensorsFile &SafetensorsFile::operator=(SafetensorsFile &&other) noexcept {
  if (this != &other) {
    unmap();
    Path = std::move(other.Path);
    Map = other.Map;
    Size = other.Size;
    HeaderSize = other.HeaderSize;
    Tensors = std::move(other.Tensors);
    Metadata = std::move(other.Metadata);
    other.Map = nullptr;
    other.Size = 0;
    other.HeaderSize = 0;
  }
  return *this;
}

SafetensorsFile::~SafetensorsFile() { unmap(); }

void SafetensorsFile::unmap() {
  if (Map)
    ::munmap(const_cast<uint8_t *>(Map), static_cast<size_t>(Size));
  Map = nullptr;
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> result;
  result.reserve(Tensors.size());
  for (const TensorInfo &tensor : Tensors)
    result.push_back(tensor.name);
  return result;
}

const TensorInfo *SafetensorsFile::find(std::string_view name) const {
  auto it =
      std::lower_bound(Tensors.begin(), Tensors.end(), name,
                       [](const TensorInfo &tensor, std::string_view key) {
                         return std::string_view(tensor.name) < key;
                       });
  if (it == Tensors.end() || it->name != name)
    return nullptr;
  return &*it;
}

} // namespace ds
