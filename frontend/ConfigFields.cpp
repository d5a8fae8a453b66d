//===- ConfigFields.cpp - typed, error-reporting JSON field access --------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "frontend/ConfigFields.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace llvm;
using namespace ds::frontend;

ConfigFields ConfigFields::nested(const json::Object &child,
                                  StringRef name) const {
  ConfigFields fields(child, source, fieldName(name) + ".");
  fields.error = error;
  return fields;
}

const json::Value *ConfigFields::lookup(StringRef key) const {
  const json::Value *value = object.get(key);
  if (!value || value->kind() == json::Value::Null)
    return nullptr;
  return value;
}

bool ConfigFields::has(StringRef key) const { return lookup(key) != nullptr; }

StringRef ConfigFields::firstPresent(ArrayRef<StringRef> keys) const {
  for (StringRef key : keys)
    if (has(key))
      return key;
  return keys.front();
}

std::string ConfigFields::fieldName(StringRef key) const {
  return prefix + key.str();
}

std::string ConfigFields::valueText(StringRef key) const {
  const json::Value *value = object.get(key);
  if (!value)
    return "nothing (the field is missing)";
  std::string text = formatv("{0}", *value).str();
  if (text.size() > 80)
    text = text.substr(0, 77) + "...";
  return text;
}

void ConfigFields::fail(const Twine &message) {
  if (error->empty())
    *error = (source + ": " + message).str();
}

void ConfigFields::failField(StringRef key, const Twine &message) {
  fail("field '" + fieldName(key) + "': " + message + ", got " +
       valueText(key));
}

Error ConfigFields::takeError() const {
  if (error->empty())
    return Error::success();
  return createStringError(inconvertibleErrorCode(), *error);
}

std::optional<int64_t> ConfigFields::getInt(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value || failed())
    return std::nullopt;
  if (std::optional<int64_t> i = value->getAsInteger())
    return i;
  // Accept integral floats (`8.0`), as Python's json writes some ints.
  if (std::optional<double> d = value->getAsNumber())
    if (std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 9e15)
      return static_cast<int64_t>(*d);
  failField(key, "expected an integer");
  return std::nullopt;
}

std::optional<double> ConfigFields::getNumber(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value || failed())
    return std::nullopt;
  if (std::optional<double> d = value->getAsNumber())
    return d;
  failField(key, "expected a number");
  return std::nullopt;
}

std::optional<bool> ConfigFields::getBool(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value || failed())
    return std::nullopt;
  if (std::optional<bool> b = value->getAsBoolean())
    return b;
  failField(key, "expected true or false");
  return std::nullopt;
}

std::optional<std::string> ConfigFields::getString(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value || failed())
    return std::nullopt;
  if (std::optional<StringRef> s = value->getAsString())
    return s->str();
  failField(key, "expected a string");
  return std::nullopt;
}

const json::Object *ConfigFields::getObject(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value || failed())
    return nullptr;
  if (const json::Object *o = value->getAsObject())
    return o;
  failField(key, "expected an object");
  return nullptr;
}

const json::Array *ConfigFields::getArray(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value || failed())
    return nullptr;
  if (const json::Array *a = value->getAsArray())
    return a;
  failField(key, "expected an array");
  return nullptr;
}

int64_t ConfigFields::requireInt(StringRef key) {
  if (!failed() && !has(key))
    failField(key, "required integer field is missing or null");
  return getInt(key).value_or(0);
}

double ConfigFields::requireNumber(StringRef key) {
  if (!failed() && !has(key))
    failField(key, "required number field is missing or null");
  return getNumber(key).value_or(0.0);
}

std::string ConfigFields::requireString(StringRef key) {
  if (!failed() && !has(key))
    failField(key, "required string field is missing or null");
  return getString(key).value_or("");
}

bool ConfigFields::checkAtLeast(StringRef key, int64_t value, int64_t min,
                                int64_t max) {
  if (failed())
    return false;
  if (value < min) {
    fail("field '" + fieldName(key) + "': must be >= " + Twine(min) + ", got " +
         Twine(value));
    return false;
  }
  if (value > max) {
    fail("field '" + fieldName(key) + "': must be <= " + Twine(max) +
         " (ds's ceiling), got " + Twine(value));
    return false;
  }
  return true;
}

bool ConfigFields::checkPositive(StringRef key, double value) {
  if (failed())
    return false;
  if (std::isfinite(value) && value > 0)
    return true;
  fail("field '" + fieldName(key) + "': must be a finite number > 0, got " +
       formatv("{0}", value).str());
  return false;
}
