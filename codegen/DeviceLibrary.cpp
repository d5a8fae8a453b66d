//===- DeviceLibrary.cpp - the device library, embedded -------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "codegen/DeviceLibrary.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {

struct Header {
  const char *name;
  const char *text;
};

const Header kHeaders[] = {
#include "DeviceLibrarySources.inc"
};

constexpr StringRef kSimHeader = "ds/sim/cuda_sim.h";
constexpr StringRef kDeviceHeader = "ds/sim/cuda_device.h";

/// The quoted include of `line` (`#include "x"`, spaces allowed), if any.
std::optional<StringRef> quotedInclude(StringRef line) {
  StringRef s = line.ltrim();
  if (!s.consume_front("#"))
    return std::nullopt;
  s = s.ltrim();
  if (!s.consume_front("include"))
    return std::nullopt;
  s = s.ltrim();
  if (!s.consume_front("\""))
    return std::nullopt;
  size_t end = s.find('"');
  if (end == StringRef::npos)
    return std::nullopt;
  return s.take_front(end);
}

struct Inliner {
  StringSet<> done;
  std::string out;

  Error inlineText(StringRef text, StringRef from) {
    while (!text.empty()) {
      auto [line, rest] = text.split('\n');
      text = rest;
      std::optional<StringRef> include = quotedInclude(line);
      if (!include) {
        out.append(line.begin(), line.end());
        out.push_back('\n');
        continue;
      }
      if (*include == kSimHeader) {
        if (!done.insert(kSimHeader).second)
          continue;
        out += "#if defined(__CUDACC__)\n";
        if (Error e = inlineHeader(kDeviceHeader, from))
          return e;
        out += "#else\n#include \"ds/sim/cuda_sim.h\"\n#endif\n";
        continue;
      }
      if (Error e = inlineHeader(*include, from))
        return e;
    }
    return Error::success();
  }

  Error inlineHeader(StringRef name, StringRef from) {
    if (!done.insert(name).second)
      return Error::success();
    std::optional<StringRef> text = ds::codegen::deviceLibraryHeader(name);
    if (!text)
      return createStringError(inconvertibleErrorCode(),
                               "%s includes \"%s\", which is not a header of "
                               "the device library",
                               from.str().c_str(), name.str().c_str());
    out += "// ---- " + name.str() + "\n";
    if (Error e = inlineText(*text, name))
      return e;
    out += "// ---- end of " + name.str() + "\n";
    return Error::success();
  }
};

} // namespace

std::optional<StringRef> ds::codegen::deviceLibraryHeader(StringRef name) {
  for (const Header &h : kHeaders)
    if (name == h.name)
      return StringRef(h.text);
  return std::nullopt;
}

std::vector<StringRef> ds::codegen::deviceLibraryHeaders() {
  std::vector<StringRef> names;
  for (const Header &h : kHeaders)
    names.push_back(h.name);
  return names;
}

Expected<std::string> ds::codegen::makeSelfContained(StringRef source) {
  Inliner inliner;
  if (Error e = inliner.inlineText(source, "the kernel source"))
    return std::move(e);
  return std::move(inliner.out);
}
