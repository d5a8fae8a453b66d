//===- safetensors.cpp - safetensors checkpoint reader and writer ---------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Never throws: JSON is parsed through nlohmann's SAX interface (which reports
// errors through a callback instead of exceptions) into a DOM built here, and
// values are only read through the non-throwing get_ptr accessors, so the
// file also works when built with -fno-exceptions.
//
//===----------------------------------------------------------------------===//

#include "ds/safetensors.h"
#include "ds/cpu/tensor.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ds {

namespace {

using Json = nlohmann::json;

/// The largest index file read (DeepSeek-V3's is about 9 MB).
constexpr uint64_t MaxIndexFileSize = 100000000;

/// JSON nesting deeper than this is rejected (a valid header has depth 3).
constexpr size_t MaxJsonDepth = 64;

/// Longest quoted string or JSON value shown in a message.
constexpr size_t MaxShownLength = 120;

/// Concatenates the arguments as an ostream would print them.
template <typename... Args> std::string cat(const Args &...args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

std::string truncated(std::string text) {
  if (text.size() > MaxShownLength) {
    text.resize(MaxShownLength);
    text += "...";
  }
  return text;
}

/// `text` in double quotes, with quotes, backslashes and control characters
/// escaped, shortened if very long.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == MaxShownLength) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\x%02x", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

/// Compact JSON text of `value` (never throws; invalid UTF-8 is replaced).
std::string jsonText(const Json &value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// "number -3", "string \"a\"", "array [1,2]", ... for messages.
std::string describe(const Json &value) {
  return cat(value.type_name(), " ", truncated(jsonText(value)));
}

// "[2, 3]": the runtime's one shape printer.
std::string shapeText(const std::vector<int64_t> &shape) {
  return cpu::shapeToString(shape);
}

/// The product of the (non-negative) dimensions `shape`, or nullopt if it
/// does not fit in 64 bits. A zero dimension makes it 0 whatever the others.
std::optional<uint64_t> elementCount(const std::vector<int64_t> &shape) {
  if (std::find(shape.begin(), shape.end(), 0) != shape.end())
    return 0;
  uint64_t count = 1;
  for (int64_t dim : shape) {
    auto udim = static_cast<uint64_t>(dim);
    if (count > std::numeric_limits<uint64_t>::max() / udim)
      return std::nullopt;
    count *= udim;
  }
  return count;
}

uint64_t load64le(const uint8_t *p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = (value << 8) | p[i];
  return value;
}

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

std::string joinPath(const std::string &dir, const std::string &name) {
  if (dir.empty())
    return name;
  if (dir.back() == '/')
    return dir + name;
  return dir + "/" + name;
}

std::string dirName(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

std::string errnoText(int error) { return std::strerror(error); }

//===----------------------------------------------------------------------===//
// JSON parsing
//===----------------------------------------------------------------------===//

/// A SAX consumer building a nlohmann::json DOM that, unlike nlohmann's own
/// parser, rejects duplicate object keys (nlohmann keeps the last one) and
/// excessive nesting, and never throws.
class DomBuilder {
public:
  Json Root;
  /// Why parsing stopped; empty on success.
  std::string Error;

  bool null() { return add(Json(nullptr)); }
  bool boolean(bool value) { return add(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return add(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) {
    return add(Json(value));
  }
  bool number_float(Json::number_float_t value, const Json::string_t &) {
    return add(Json(value));
  }
  bool string(Json::string_t &value) { return add(Json(std::move(value))); }
  bool binary(Json::binary_t &) {
    Error = "unexpected binary value";
    return false;
  }

  bool start_object(std::size_t) { return open(Json::value_t::object); }
  bool key(Json::string_t &name) {
    Json &object = *Stack.back();
    if (object.find(name) != object.end()) {
      Error = "duplicate key " + quote(name);
      if (Stack.size() > 1)
        Error += " inside " + location();
      return false;
    }
    Keys.back() = name;
    Pending = &object[name];
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::value_t::array); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t, const std::string &,
                   const Json::exception &error) {
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    std::string what = error.what();
    size_t bracket = what.find("] ");
    if (!what.empty() && what[0] == '[' && bracket != std::string::npos)
      what = what.substr(bracket + 2);
    Error = "invalid JSON: " + what;
    return false;
  }

private:
  /// Pointers to the open arrays and objects, outermost first, and for each
  /// object the key being read.
  std::vector<Json *> Stack;
  std::vector<std::string> Keys;
  /// Where the next value of the innermost object goes.
  Json *Pending = nullptr;

  /// The path of keys leading to the innermost open container.
  std::string location() const {
    std::string path;
    for (size_t i = 0; i + 1 < Stack.size(); ++i)
      path += (path.empty() ? "" : " > ") +
              (Stack[i]->is_object() ? quote(Keys[i]) : std::string("[]"));
    return path;
  }

  /// Stores `value` at the current position and returns where it went.
  Json *place(Json value) {
    if (Stack.empty()) {
      Root = std::move(value);
      return &Root;
    }
    Json &top = *Stack.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    *Pending = std::move(value);
    return Pending;
  }
  bool add(Json value) {
    place(std::move(value));
    return true;
  }
  bool open(Json::value_t type) {
    if (Stack.size() >= MaxJsonDepth) {
      Error = cat("JSON nested deeper than ", MaxJsonDepth, " levels");
      return false;
    }
    Stack.push_back(place(Json(type)));
    Keys.emplace_back();
    return true;
  }
  bool close() {
    Stack.pop_back();
    Keys.pop_back();
    return true;
  }
};

/// Parses the JSON text [begin, end): exactly one value, surrounded by
/// optional whitespace, duplicate keys rejected.
Expected<Json> parseJson(const uint8_t *begin, const uint8_t *end) {
  // nlohmann's lexer takes a NUL byte for the end of the input and would
  // ignore whatever follows it; in valid JSON a NUL can appear nowhere.
  if (const void *nul = std::memchr(begin, 0, static_cast<size_t>(end - begin)))
    return Status::error(cat("invalid JSON: NUL byte at byte ",
                             static_cast<const uint8_t *>(nul) - begin,
                             " (only spaces may pad the JSON text)"));
  DomBuilder builder;
  bool parsed = Json::sax_parse(reinterpret_cast<const char *>(begin),
                                reinterpret_cast<const char *>(end), &builder,
                                Json::input_format_t::json, /*strict=*/true);
  if (!parsed)
    return Status::error(builder.Error.empty() ? "invalid JSON"
                                               : builder.Error);
  return std::move(builder.Root);
}

/// A non-negative integer value, or nullopt.
std::optional<uint64_t> asUnsigned(const Json &value) {
  if (const auto *u = value.get_ptr<const Json::number_unsigned_t *>())
    return *u;
  if (const auto *i = value.get_ptr<const Json::number_integer_t *>())
    if (*i >= 0)
      return static_cast<uint64_t>(*i);
  return std::nullopt;
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

/// An open regular file: its descriptor (owned by the caller) and size.
struct OpenFile {
  int fd;
  uint64_t size;
};

/// Opens `path` read-only; fails unless it is a regular file.
Expected<OpenFile> openRegularFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::error(path + ": cannot open: " + errnoText(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int error = errno;
    ::close(fd);
    return Status::error(path + ": cannot stat: " + errnoText(error));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::error(path + ": not a regular file");
  }
  return OpenFile{fd, static_cast<uint64_t>(st.st_size)};
}

/// Reads a whole (small) file.
Expected<std::vector<uint8_t>> readFile(const std::string &path,
                                        uint64_t maxSize) {
  Expected<OpenFile> file = openRegularFile(path);
  if (!file)
    return file.status();
  int fd = file->fd;
  uint64_t size = file->size;
  if (size > maxSize) {
    ::close(fd);
    return Status::error(cat(path, ": file is ", size,
                             " bytes, more than the limit of ", maxSize));
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      int error = got < 0 ? errno : 0;
      ::close(fd);
      return Status::error(
          cat(path, ": cannot read: ",
              got < 0 ? errnoText(error) : std::string("unexpected end"),
              " after ", done, " bytes"));
    }
    done += static_cast<size_t>(got);
  }
  ::close(fd);
  return bytes;
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

//===----------------------------------------------------------------------===//
// Checkpoint
//===----------------------------------------------------------------------===//

Expected<Checkpoint> Checkpoint::open(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::error(path +
                         ": cannot open checkpoint: " + errnoText(errno));

  std::string filePath = path;
  if (S_ISDIR(st.st_mode)) {
    std::string single = joinPath(path, "model.safetensors");
    std::string index = joinPath(path, "model.safetensors.index.json");
    struct stat entry;
    if (::stat(single.c_str(), &entry) == 0)
      filePath = single;
    else if (::stat(index.c_str(), &entry) == 0)
      return openIndex(index);
    else
      return Status::error(path + ": checkpoint directory has neither "
                                  "model.safetensors nor "
                                  "model.safetensors.index.json");
  } else if (endsWith(path, ".json")) {
    return openIndex(path);
  }

  Expected<SafetensorsFile> file = SafetensorsFile::open(filePath);
  if (!file)
    return file.status();
  Checkpoint checkpoint;
  for (const TensorInfo &tensor : file->tensors())
    checkpoint.Owner.emplace(tensor.name, 0);
  checkpoint.Files.push_back(std::move(*file));
  return checkpoint;
}

Expected<Checkpoint> Checkpoint::openIndex(const std::string &indexPath) {
  auto fail = [&](const std::string &message) {
    return Status::error(indexPath + ": " + message);
  };

  Expected<std::vector<uint8_t>> bytes = readFile(indexPath, MaxIndexFileSize);
  if (!bytes)
    return bytes.status();
  Expected<Json> parsed =
      parseJson(bytes->data(), bytes->data() + bytes->size());
  if (!parsed)
    return fail(parsed.message());
  const auto *root = parsed->get_ptr<const Json::object_t *>();
  if (!root)
    return fail("index is not a JSON object (got " + describe(*parsed) + ")");

  Checkpoint checkpoint;
  checkpoint.IndexPath = indexPath;

  auto metadataIt = root->find("metadata");
  if (metadataIt != root->end()) {
    const auto *metadata = metadataIt->second.get_ptr<const Json::object_t *>();
    if (!metadata)
      return fail("field \"metadata\": expected an object, got " +
                  describe(metadataIt->second));
    for (const auto &[key, value] : *metadata) {
      const auto *text = value.get_ptr<const Json::string_t *>();
      checkpoint.IndexMetadata[key] = text ? *text : jsonText(value);
    }
  }

  auto mapIt = root->find("weight_map");
  if (mapIt == root->end())
    return fail("missing field \"weight_map\"");
  const auto *weightMap = mapIt->second.get_ptr<const Json::object_t *>();
  if (!weightMap)
    return fail("field \"weight_map\": expected an object mapping tensor "
                "names to shard files, got " +
                describe(mapIt->second));

  // Shard file name -> the tensors the weight_map assigns to it.
  std::map<std::string, std::vector<const std::string *>> shards;
  for (const auto &[tensor, value] : *weightMap) {
    const auto *shard = value.get_ptr<const Json::string_t *>();
    if (!shard)
      return fail("field \"weight_map\": tensor " + quote(tensor) +
                  ": expected a shard file name (string), got " +
                  describe(value));
    if (shard->empty() || *shard == "." || *shard == ".." ||
        shard->find('/') != std::string::npos ||
        shard->find('\0') != std::string::npos)
      return fail("field \"weight_map\": tensor " + quote(tensor) + ": shard " +
                  quote(*shard) +
                  " is not a plain file name in the index's directory");
    shards[*shard].push_back(&tensor);
  }

  std::string dir = dirName(indexPath);
  for (const auto &[shardName, tensors] : shards) {
    Expected<SafetensorsFile> shard =
        SafetensorsFile::open(joinPath(dir, shardName));
    if (!shard)
      return fail(cat("shard ", quote(shardName), " (listed for tensor ",
                      quote(*tensors.front()),
                      tensors.size() > 1
                          ? cat(" and ", tensors.size() - 1, " more")
                          : std::string(),
                      "): ", shard.message()));
    for (const std::string *tensor : tensors)
      if (!shard->find(*tensor))
        return fail("tensor " + quote(*tensor) +
                    " is mapped by the weight_map to shard " +
                    quote(shardName) + ", but that shard has no such tensor");
    for (const TensorInfo &tensor : shard->tensors()) {
      auto owner = weightMap->find(tensor.name);
      if (owner == weightMap->end())
        return fail("shard " + quote(shardName) + " has tensor " +
                    quote(tensor.name) + ", which is not in the weight_map");
      const std::string &mapped = *owner->second.get_ptr<const std::string *>();
      if (mapped != shardName)
        return fail("tensor " + quote(tensor.name) + " is stored in shard " +
                    quote(shardName) +
                    " as well, but the weight_map assigns it to shard " +
                    quote(mapped));
    }
    size_t fileIndex = checkpoint.Files.size();
    for (const std::string *tensor : tensors)
      checkpoint.Owner.emplace(*tensor, fileIndex);
    checkpoint.Files.push_back(std::move(*shard));
  }
  return checkpoint;
}

const TensorInfo *Checkpoint::find(std::string_view name) const {
  auto it = Owner.find(name);
  if (it == Owner.end())
    return nullptr;
  return Files[it->second].find(name);
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> result;
  result.reserve(Owner.size());
  for (const auto &item : Owner)
    result.push_back(item.first);
  return result;
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

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
