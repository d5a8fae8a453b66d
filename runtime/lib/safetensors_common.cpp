//===- safetensors_common.cpp - helpers of the safetensors reader ---------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//

#include "safetensors_common.h"

#include "ds/cpu/tensor.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ds::safetensors_detail {

namespace {

/// Longest quoted string or JSON value shown in a message.
constexpr size_t MaxShownLength = 120;

/// JSON nesting deeper than this is rejected (a valid header has depth 3).
constexpr size_t MaxJsonDepth = 64;

} // namespace

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

std::string errnoText(int error) { return std::strerror(error); }

//===----------------------------------------------------------------------===//
// JSON parsing
//===----------------------------------------------------------------------===//

namespace {

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

/// The kind of a non-regular file for messages ("a FIFO", "a directory").
const char *fileKind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "a special file";
}

} // namespace

Expected<Json> parseJson(const uint8_t *begin, const uint8_t *end) {
  // An empty range may come as two null pointers (the data of an empty
  // vector): neither memchr nor the lexer may see them.
  if (!begin || begin == end)
    return Status::error("invalid JSON: empty text (expected a JSON value)");
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

std::optional<uint64_t> asUnsigned(const Json &value) {
  if (const auto *u = value.get_ptr<const Json::number_unsigned_t *>())
    return *u;
  if (const auto *i = value.get_ptr<const Json::number_integer_t *>())
    if (*i >= 0)
      return static_cast<uint64_t>(*i);
  return std::nullopt;
}

Expected<OpenFile> openRegularFile(const std::string &path) {
  // O_NONBLOCK: opening a FIFO read-only would otherwise wait for a writer
  // (forever), and a device could block too. Regular files ignore the flag,
  // and it is cleared again before anything is read.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
    return Status::error(path + ": not a regular file (it is " +
                         fileKind(st.st_mode) + ")");
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    int error = errno;
    ::close(fd);
    return Status::error(path +
                         ": cannot clear O_NONBLOCK: " + errnoText(error));
  }
  return OpenFile{fd, static_cast<uint64_t>(st.st_size)};
}

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
  if (size == 0) {
    ::close(fd);
    return Status::error(path + ": file is empty (0 bytes)");
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

} // namespace ds::safetensors_detail
