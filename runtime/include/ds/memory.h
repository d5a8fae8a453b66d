//===- ds/memory.h - host memory limits -------------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The host memory limit of the CPU reference (ds-interp, the cpu backend of
// ds-run): a byte count parsed from the command line ("64G"), a default from
// the machine's physical memory, and a budget of live bytes every allocation
// of a value is charged against before it is made. No MLIR, no exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef DS_MEMORY_H
#define DS_MEMORY_H

#include "ds/status.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace ds {

/// Parses a byte count: a non-negative decimal integer with an optional
/// binary suffix K, M, G or T (also KB/KiB, ... ; case-insensitive), e.g.
/// "4096", "512M", "64G". Fails on anything else or above 2^62 bytes.
Expected<int64_t> parseByteSize(std::string_view text);

/// "1.5 GiB (1610612736 bytes)".
std::string formatBytes(int64_t bytes);

/// The machine's physical memory in bytes (sysconf), or 0 when unknown.
int64_t physicalMemoryBytes();

/// The default memory limit: half the physical memory (16 GiB when it is
/// unknown).
int64_t defaultMemoryLimit();

/// Live bytes against a limit.
class MemoryBudget {
public:
  explicit MemoryBudget(int64_t limit) : Limit(limit) {}

  /// Charges `bytes` for `what` (e.g. "result of moe.linear"); fails, charging
  /// nothing, when the live bytes would exceed the limit. The message names
  /// `what`, the bytes, the live bytes and the limit.
  Status reserve(int64_t bytes, std::string_view what);
  /// Whether `bytes` more would fit (nothing is charged).
  Status check(int64_t bytes, std::string_view what) const;
  /// Returns `bytes` charged before.
  void release(int64_t bytes);

  int64_t limit() const { return Limit; }
  int64_t live() const { return Live; }
  int64_t peak() const { return Peak; }

private:
  int64_t Limit;
  int64_t Live = 0;
  int64_t Peak = 0;
};

} // namespace ds

#endif // DS_MEMORY_H
