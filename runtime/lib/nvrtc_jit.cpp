//===- nvrtc_jit.cpp - kernel sources to cubins for the GPU at hand -------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "nvrtc_jit.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>

namespace ds::cuda {
namespace {

// The NVRTC ABI (nvrtc.h): nvrtcResult is an int, nvrtcProgram a pointer.
struct NvrtcProgram;
struct Nvrtc {
  int (*version)(int *, int *);
  int (*createProgram)(NvrtcProgram **, const char *, const char *, int,
                       const char *const *, const char *const *);
  int (*destroyProgram)(NvrtcProgram **);
  int (*compileProgram)(NvrtcProgram *, int, const char *const *);
  int (*getProgramLogSize)(NvrtcProgram *, size_t *);
  int (*getProgramLog)(NvrtcProgram *, char *);
  int (*getCubinSize)(NvrtcProgram *, size_t *);
  int (*getCubin)(NvrtcProgram *, char *);
  const char *(*getErrorString)(int);
  int major = 0, minor = 0;
};

struct LoadedNvrtc {
  Nvrtc api{};
  std::string error; ///< why NVRTC is unusable; empty when loaded
  std::string path;  ///< the soname or path that loaded
};

bool isDirectory(const std::string &path) {
  struct stat st;
  return !path.empty() && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string envOr(const char *name, const std::string &fallback = "") {
  const char *v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

/// The CUDA homes to look in: $CUDA_HOME, $CUDA_PATH, /usr/local/cuda.
std::vector<std::string> cudaHomes() {
  std::vector<std::string> homes;
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (std::string h = envOr(var); !h.empty())
      homes.push_back(h);
  homes.push_back("/usr/local/cuda");
  return homes;
}

template <typename Fn> bool resolve(void *lib, const char *name, Fn &fn) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

const LoadedNvrtc &loaded() {
  static LoadedNvrtc n;
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> candidates;
    const char *sonames[] = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"};
    for (const char *s : sonames)
      candidates.push_back(s);
    for (const std::string &home : cudaHomes())
      for (const char *s : sonames)
        candidates.push_back(home + "/lib64/" + s);
    void *lib = nullptr;
    std::string tried, firstError;
    for (const std::string &c : candidates) {
      lib = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (lib) {
        n.path = c;
        break;
      }
      tried += cat(tried.empty() ? "" : ", ", c);
      if (firstError.empty())
        if (const char *why = dlerror())
          firstError = why;
    }
    if (!lib) {
      n.error = cat("NVRTC is not available (tried ", tried, ": ", firstError,
                    "); install the CUDA toolkit's NVRTC or set CUDA_HOME");
      return;
    }
    Nvrtc &a = n.api;
    bool ok = resolve(lib, "nvrtcVersion", a.version) &&
              resolve(lib, "nvrtcCreateProgram", a.createProgram) &&
              resolve(lib, "nvrtcDestroyProgram", a.destroyProgram) &&
              resolve(lib, "nvrtcCompileProgram", a.compileProgram) &&
              resolve(lib, "nvrtcGetProgramLogSize", a.getProgramLogSize) &&
              resolve(lib, "nvrtcGetProgramLog", a.getProgramLog) &&
              resolve(lib, "nvrtcGetCUBINSize", a.getCubinSize) &&
              resolve(lib, "nvrtcGetCUBIN", a.getCubin) &&
              resolve(lib, "nvrtcGetErrorString", a.getErrorString);
    if (!ok) {
      n.error =
          cat(n.path, " lacks an entry point ds needs (NVRTC older than 11.1 "
                      "has no nvrtcGetCUBIN)");
      return;
    }
    if (a.version(&a.major, &a.minor) != 0)
      a.major = a.minor = 0;
  });
  return n;
}

/// `name` with every character outside [A-Za-z0-9_.-] replaced by '_'.
std::string fileSafe(const std::string &name) {
  std::string out = name.empty() ? std::string("kernel") : name;
  for (char &c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
          c == '-'))
      c = '_';
  return out;
}

/// mkdir -p; false when `dir` cannot be made.
bool makeDirectories(const std::string &dir) {
  if (dir.empty())
    return false;
  for (size_t i = 1; i <= dir.size(); ++i)
    if (i == dir.size() || dir[i] == '/') {
      std::string prefix = dir.substr(0, i);
      if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
        return false;
    }
  return isDirectory(dir);
}

bool readFile(const std::string &path, std::vector<uint8_t> &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  out.assign(std::istreambuf_iterator<char>(in),
             std::istreambuf_iterator<char>());
  return in.good() || in.eof();
}

/// Writes `data` to `path` through a temporary file and a rename.
bool writeFileAtomically(const std::string &path,
                         const std::vector<uint8_t> &data) {
  std::string tmp = cat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return false;
    out.write(reinterpret_cast<const char *>(data.data()),
              static_cast<std::streamsize>(data.size()));
    if (!out)
      return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

/// The last `limit` bytes of an NVRTC log, for messages.
std::string logTail(std::string log, size_t limit = 4000) {
  while (!log.empty() && (log.back() == '\n' || log.back() == '\0'))
    log.pop_back();
  if (log.size() > limit)
    log = "..." + log.substr(log.size() - limit);
  return log;
}

/// One uncached NVRTC compile.
Expected<std::vector<uint8_t>> compile(const Nvrtc &a, const std::string &name,
                                       const std::string &source,
                                       const std::string &arch,
                                       const std::vector<std::string> &opts) {
  NvrtcProgram *prog = nullptr;
  std::string file = fileSafe(name) + ".cu";
  if (int r = a.createProgram(&prog, source.c_str(), file.c_str(), 0, nullptr,
                              nullptr);
      r != 0)
    return Status::error(
        cat("nvrtcCreateProgram: ", a.getErrorString(r), " (", arch, ")"));
  std::vector<const char *> argv;
  for (const std::string &o : opts)
    argv.push_back(o.c_str());
  int r = a.compileProgram(prog, static_cast<int>(argv.size()), argv.data());
  std::string log;
  size_t logSize = 0;
  if (a.getProgramLogSize(prog, &logSize) == 0 && logSize > 1) {
    log.resize(logSize);
    if (a.getProgramLog(prog, log.data()) != 0)
      log.clear();
  }
  if (r != 0) {
    a.destroyProgram(&prog);
    std::string include = cudaIncludeDir();
    return Status::error(cat(
        "NVRTC ", a.major, ".", a.minor, " cannot compile it for ", arch, ": ",
        a.getErrorString(r),
        include.empty() ? " (no CUDA include directory found: set CUDA_HOME)"
                        : "",
        log.empty() ? std::string() : cat("\n", logTail(log))));
  }
  size_t size = 0;
  std::vector<uint8_t> cubin;
  if (int g = a.getCubinSize(prog, &size); g != 0 || size == 0) {
    a.destroyProgram(&prog);
    return Status::error(
        cat("NVRTC made no cubin for ", arch,
            " (is it a real architecture, not a virtual compute_XY?)"));
  }
  cubin.resize(size);
  int g = a.getCubin(prog, reinterpret_cast<char *>(cubin.data()));
  a.destroyProgram(&prog);
  if (g != 0)
    return Status::error(cat("nvrtcGetCUBIN: ", a.getErrorString(g)));
  return cubin;
}

} // namespace

uint64_t fnv1a64(std::string_view data, uint64_t hash) {
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string cudaIncludeDir() {
  for (const std::string &home : cudaHomes())
    if (isDirectory(home + "/include"))
      return home + "/include";
  return "";
}

std::string jitCacheDir() {
  if (std::string dir = envOr("DS_CACHE_DIR"); !dir.empty())
    return dir + "/cuda-jit";
  if (std::string home = envOr("HOME"); !home.empty())
    return home + "/.cache/ds/cuda-jit";
  return "";
}

std::vector<std::string> jitOptions(const std::string &arch) {
  std::vector<std::string> opts = {"--gpu-architecture=" + arch, "-std=c++17",
                                   "-lineinfo"};
  if (std::string include = cudaIncludeDir(); !include.empty())
    opts.push_back("-I" + include);
  return opts;
}

Expected<JitCubin> jitCompile(const std::string &name,
                              const std::string &source,
                              const std::string &arch) {
  const LoadedNvrtc &n = loaded();
  if (!n.error.empty())
    return Status::error(
        cat("a JIT compile for ", arch, " is needed, but ", n.error));
  std::vector<std::string> opts = jitOptions(arch);
  // The cache key: NVRTC's version, the options and the source.
  uint64_t key = fnv1a64(cat("nvrtc ", n.api.major, ".", n.api.minor, '\0'));
  for (const std::string &o : opts)
    key = fnv1a64(std::string_view(o.c_str(), o.size() + 1), key);
  key = fnv1a64(source, key);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(key));
  JitCubin out;
  std::string dir = jitCacheDir();
  std::string path = dir.empty() ? ""
                                 : cat(dir, "/", fileSafe(name), "-", arch, "-",
                                       hex, ".cubin");
  if (!path.empty() && readFile(path, out.cubin) && !out.cubin.empty()) {
    out.fromCache = true;
    out.cachePath = path;
    return out;
  }
  Expected<std::vector<uint8_t>> cubin =
      compile(n.api, name, source, arch, opts);
  if (!cubin)
    return cubin.status();
  out.cubin = std::move(cubin).value();
  if (!path.empty() && makeDirectories(dir) &&
      writeFileAtomically(path, out.cubin))
    out.cachePath = path;
  return out;
}

} // namespace ds::cuda
