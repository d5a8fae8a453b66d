//===- ConfigFields.h - typed, error-reporting JSON field access -*- C++
//-*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_FRONTEND_CONFIGFIELDS_H
#define DS_FRONTEND_CONFIGFIELDS_H

#include "ds/limits.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace ds::frontend {

/// Reads typed fields of a JSON object. The first problem (a field of the
/// wrong type, a missing required field, a value out of range) is recorded as
/// "<source>: field '<name>': <what>, got <value>"; later reads after an error
/// return empty values, so callers check `failed()` once at the end.
/// A field whose value is `null` counts as absent.
class ConfigFields {
public:
  ConfigFields(const llvm::json::Object &object, llvm::StringRef source,
               llvm::StringRef prefix = "")
      : object(object), source(source.str()), prefix(prefix.str()) {}

  /// Reads fields of a nested object (`rope_scaling.factor`), reporting into
  /// this reader's error.
  ConfigFields nested(const llvm::json::Object &child,
                      llvm::StringRef name) const;

  /// Whether `key` is present and not null.
  bool has(llvm::StringRef key) const;
  /// The first of `keys` that is present, or the first key if none is.
  llvm::StringRef firstPresent(llvm::ArrayRef<llvm::StringRef> keys) const;

  std::optional<int64_t> getInt(llvm::StringRef key);
  std::optional<double> getNumber(llvm::StringRef key);
  std::optional<bool> getBool(llvm::StringRef key);
  std::optional<std::string> getString(llvm::StringRef key);
  const llvm::json::Object *getObject(llvm::StringRef key);
  const llvm::json::Array *getArray(llvm::StringRef key);

  /// Required fields: a missing one is an error (the result is then 0/"").
  int64_t requireInt(llvm::StringRef key);
  double requireNumber(llvm::StringRef key);
  std::string requireString(llvm::StringRef key);

  /// Range checks on a value read from `key`; return false on error. Sizes
  /// and counts are also bounded above, by default by ds's ceiling on one
  /// tensor dimension (ds/limits.h), so no config value can build absurd
  /// types or overflow the products the importer computes from it.
  bool checkAtLeast(llvm::StringRef key, int64_t value, int64_t min,
                    int64_t max = ds::kMaxDimSize);
  bool checkPositive(llvm::StringRef key, double value);

  /// Records "<source>: field '<key>': <message>, got <value of key>".
  void failField(llvm::StringRef key, const llvm::Twine &message);
  /// Records "<source>: <message>".
  void fail(const llvm::Twine &message);

  bool failed() const { return !error->empty(); }
  /// The recorded error, or success.
  llvm::Error takeError() const;

  /// The printed JSON value of `key` (`null` when absent).
  std::string valueText(llvm::StringRef key) const;
  /// The qualified name of `key` (`rope_scaling.factor`).
  std::string fieldName(llvm::StringRef key) const;

private:
  const llvm::json::Value *lookup(llvm::StringRef key) const;

  const llvm::json::Object &object;
  std::string source;
  std::string prefix;
  std::shared_ptr<std::string> error = std::make_shared<std::string>();
};

} // namespace ds::frontend

#endif // DS_FRONTEND_CONFIGFIELDS_H
