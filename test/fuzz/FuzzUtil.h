//===- FuzzUtil.h - helpers shared by the ds fuzz targets -------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The readers under test take paths; MemFile hands them the fuzzer's bytes
// as an anonymous in-memory file (memfd) reached through /proc/self/fd, so
// no run touches the disk. check() aborts on a broken invariant: an abort is
// a crash libFuzzer records.
//
//===----------------------------------------------------------------------===//

#ifndef DS_TEST_FUZZ_FUZZUTIL_H
#define DS_TEST_FUZZ_FUZZUTIL_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace ds::fuzz {

/// Aborts with `what` unless `condition` holds.
inline void check(bool condition, const char *what) {
  if (!condition) {
    std::fprintf(stderr, "ds fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

/// One in-memory file, rewritten for each input.
class MemFile {
public:
  explicit MemFile(const char *name) {
    fd = ::memfd_create(name, MFD_CLOEXEC);
    check(fd >= 0, "memfd_create");
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemFile() { ::close(fd); }
  MemFile(const MemFile &) = delete;
  MemFile &operator=(const MemFile &) = delete;

  /// Replaces the contents with [data, data + size) and returns the path.
  const std::string &write(const uint8_t *data, size_t size) {
    check(::ftruncate(fd, 0) == 0, "ftruncate");
    size_t done = 0;
    while (done < size) {
      ssize_t n =
          ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
      check(n > 0, "pwrite");
      done += static_cast<size_t>(n);
    }
    return path;
  }

private:
  int fd = -1;
  std::string path;
};

} // namespace ds::fuzz

#endif // DS_TEST_FUZZ_FUZZUTIL_H
