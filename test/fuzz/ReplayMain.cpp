//===- ReplayMain.cpp - run a fuzz target over files, without libFuzzer ---===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Linked with a fuzz target's source in every build (gcc included), so that
// ctest replays the seed corpus and the saved reproducers through the
// target: `<target>-replay <file or directory>...`. A crash fails the test.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg = argv[i];
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      for (std::filesystem::directory_iterator it(arg, error), end;
           !error && it != end; it.increment(error))
        if (it->is_regular_file(error))
          files.push_back(it->path());
      if (error) {
        std::fprintf(stderr, "replay: cannot list %s: %s\n", arg.c_str(),
                     error.message().c_str());
        return 1;
      }
    } else {
      files.push_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path &file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
      return 1;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(),
                 bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("replay: %zu inputs ran\n", files.size());
  return files.empty() ? 1 : 0;
}
