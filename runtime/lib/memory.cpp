//===- memory.cpp - host memory limits ------------------------------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/memory.h"

#include "ds/limits.h"

#include <cctype>
#include <cstdio>
#include <unistd.h>

namespace ds {

Expected<int64_t> parseByteSize(std::string_view text) {
  auto bad = [&](const char *why) {
    return Status::error("memory size '" + std::string(text) + "': " + why +
                         " (expected bytes with an optional K, M, G or T "
                         "suffix, e.g. 64G)");
  };
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    std::optional<int64_t> next = checkedMul(value, 10);
    next = next ? checkedAdd(*next, text[i] - '0') : std::nullopt;
    if (!next || *next > (int64_t(1) << 62))
      return bad("too large");
    value = *next;
    ++i;
  }
  if (i == 0)
    return bad("no number");
  std::string suffix;
  for (; i < text.size(); ++i)
    suffix +=
        static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  int shift = 0;
  if (suffix.empty() || suffix == "B")
    shift = 0;
  else if (suffix == "K" || suffix == "KB" || suffix == "KIB")
    shift = 10;
  else if (suffix == "M" || suffix == "MB" || suffix == "MIB")
    shift = 20;
  else if (suffix == "G" || suffix == "GB" || suffix == "GIB")
    shift = 30;
  else if (suffix == "T" || suffix == "TB" || suffix == "TIB")
    shift = 40;
  else
    return bad("unknown suffix");
  if (value > ((int64_t(1) << 62) >> shift))
    return bad("too large");
  return value << shift;
}

std::string formatBytes(int64_t bytes) {
  const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  char text[64];
  if (u == 0)
    std::snprintf(text, sizeof(text), "%lld bytes",
                  static_cast<long long>(bytes));
  else
    std::snprintf(text, sizeof(text), "%.1f %s (%lld bytes)", v, units[u],
                  static_cast<long long>(bytes));
  return text;
}

int64_t physicalMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return 0;
  std::optional<int64_t> bytes = checkedMul(pages, pageSize);
  return bytes ? *bytes : 0;
}

int64_t defaultMemoryLimit() {
  int64_t physical = physicalMemoryBytes();
  return physical > 0 ? physical / 2 : int64_t(16) << 30;
}

Status MemoryBudget::check(int64_t bytes, std::string_view what) const {
  std::optional<int64_t> total = checkedAdd(Live, bytes);
  if (bytes < 0 || !total || *total > Limit)
    return Status::error(std::string(what) + " needs " + formatBytes(bytes) +
                         ", above the memory limit: " + formatBytes(Live) +
                         " live of " + formatBytes(Limit) + " (--max-memory)");
  return Status::success();
}

Status MemoryBudget::reserve(int64_t bytes, std::string_view what) {
  if (Status s = check(bytes, what); !s.ok())
    return s;
  Live += bytes;
  if (Live > Peak)
    Peak = Live;
  return Status::success();
}

void MemoryBudget::release(int64_t bytes) {
  Live = bytes > Live ? 0 : Live - bytes;
}

} // namespace ds
