//===- status.h - Success or failure with a message -------------*- C++ -*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// Error handling for the runtime without exceptions (the runtime may be built
// with -fno-exceptions as part of an LLVM-style parent project):
//
//   - `Status`: success, or a failure carrying a human-readable message.
//   - `Expected<T>`: a `T`, or a failure carrying a message.
//
// Messages are meant for people: they name the file, the object (tensor,
// field) and the offending value, e.g.
//   "w.safetensors: tensor \"x\": field \"shape\"[1]: expected a non-negative
//    integer, got -3".
//
//===----------------------------------------------------------------------===//

#ifndef DS_STATUS_H
#define DS_STATUS_H

#include <cassert>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace ds {

/// Concatenates the arguments as an ostream would print them: the one
/// message builder of the runtime ("tensor ", name, ": dim ", d, ...).
template <typename... Args> std::string cat(const Args &...args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

/// The outcome of an operation that produces no value.
class [[nodiscard]] Status {
public:
  /// Success.
  Status() = default;

  /// Success.
  static Status success() { return Status(); }

  /// A failure with `message` (an empty message becomes "unknown error").
  static Status error(std::string message) {
    Status status;
    status.Failed = true;
    status.Message = message.empty() ? "unknown error" : std::move(message);
    return status;
  }

  /// Whether this is a success.
  bool ok() const { return !Failed; }

  /// The failure message; empty on success.
  const std::string &message() const { return Message; }

  /// This status with `prefix + ": "` prepended to the message; success stays
  /// success.
  Status withContext(std::string_view prefix) const {
    if (!Failed)
      return *this;
    return error(std::string(prefix) + ": " + Message);
  }

private:
  bool Failed = false;
  std::string Message;
};

/// A value of type `T`, or a failure with a message. Converts to true when it
/// holds a value, like std::optional. Accessing the value of a failure is a
/// programming error (asserted).
template <typename T> class [[nodiscard]] Expected {
public:
  /// A success holding `value`.
  Expected(T value) : Value(std::move(value)) {}

  /// A failure. `status` must be a failure; a success status is turned into a
  /// failure saying so rather than producing an Expected without a value.
  Expected(Status status) : Message(status.message()) {
    assert(!status.ok() && "Expected constructed from a success status");
    if (status.ok())
      Message = "internal error: Expected constructed from a success status";
  }

  /// Whether this holds a value.
  bool ok() const { return Value.has_value(); }
  explicit operator bool() const { return ok(); }

  /// The failure message; empty on success.
  const std::string &message() const { return Message; }

  /// Success, or the failure as a Status.
  Status status() const { return ok() ? Status() : Status::error(Message); }

  T &value() & {
    assert(ok() && "value() of a failed Expected");
    return *Value;
  }
  const T &value() const & {
    assert(ok() && "value() of a failed Expected");
    return *Value;
  }
  T &&value() && {
    assert(ok() && "value() of a failed Expected");
    return std::move(*Value);
  }

  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T &&operator*() && { return std::move(*this).value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

private:
  std::optional<T> Value;
  std::string Message;
};

} // namespace ds

#endif // DS_STATUS_H
