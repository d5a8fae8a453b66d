//===- compile.cpp - Host-compile kernel sources, load them ---------------===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// compileKernelLibrary runs the host compiler on a kernel source (cached by
// content hash in $DS_CACHE_DIR/sim) and loadKernelLibrary dlopen's the
// result and finds an entry's DS_SIM_EXPORT wrapper.
//
//===----------------------------------------------------------------------===//

#include "ds/sim/sim.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef DS_SIM_DEFAULT_INCLUDE_DIR
#define DS_SIM_DEFAULT_INCLUDE_DIR ""
#endif

namespace ds {
namespace sim {

namespace {

std::string envOr(const char *name, const std::string &fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

uint64_t fnv1a(const std::string &s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

Status makeDirs(const std::string &path) {
  std::string cur;
  std::stringstream ss(path);
  std::string part;
  if (!path.empty() && path[0] == '/')
    cur = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty())
      continue;
    cur += part + "/";
    if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return Status::error(cat("sim: cannot create directory ", cur, ": ",
                               std::strerror(errno)));
  }
  return Status::success();
}

/// Runs `argv`, its stdout and stderr into `log`; returns the exit status
/// (-1 when it could not start).
int run(const std::vector<std::string> &argv, const std::string &log) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    std::vector<char *> args;
    for (const std::string &a : argv)
      args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool writeFile(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return bool(out.flush());
}

std::string compilerVersion(const std::string &cxx, const std::string &dir) {
  std::string log = cat(dir, "/version.", getpid(), ".txt");
  int rc = run({cxx, "--version"}, log);
  std::string v = readFile(log);
  std::remove(log.c_str());
  return rc == 0 ? v : std::string();
}

std::string shellQuote(const std::string &s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

} // namespace

std::string cacheDirectory() {
  std::string base = envOr("DS_CACHE_DIR", "");
  if (base.empty())
    base = envOr("HOME", "/tmp") + "/.cache/ds";
  return base + "/sim";
}

std::string includeDirectory() {
  return envOr("DS_SIM_INCLUDE_DIR", DS_SIM_DEFAULT_INCLUDE_DIR);
}

Expected<std::string>
compileKernelLibrary(const std::string &source,
                     const std::vector<std::string> &extraFlags) {
  std::string dir = cacheDirectory();
  if (Status s = makeDirs(dir); !s.ok())
    return s;
  std::string cxx = envOr("CXX", "c++");
  std::string version = compilerVersion(cxx, dir);
  if (version.empty())
    return Status::error(
        cat("sim: cannot run the host compiler '", cxx, "' (set $CXX)"));
  std::vector<std::string> argv = {
      cxx, "-O1", "-shared", "-fPIC", "-std=c++17", "-I" + includeDirectory()};
  argv.insert(argv.end(), extraFlags.begin(), extraFlags.end());
  std::string key = source;
  for (const std::string &a : argv)
    key += '\0' + a;
  key += '\0' + version;
  char hash[40];
  std::snprintf(hash, sizeof hash, "%016llx%016llx",
                (unsigned long long)fnv1a(key, 0xcbf29ce484222325ull),
                (unsigned long long)fnv1a(key, 0x84222325cbf29ce4ull));
  std::string stem = cat(dir, "/", hash);
  std::string so = stem + ".so";
  struct stat st;
  if (stat(so.c_str(), &st) == 0 && st.st_size > 0)
    return so;
  std::string src = stem + ".cpp";
  if (!writeFile(src, source))
    return Status::error(cat("sim: cannot write ", src));
  std::string tmp = cat(stem, ".", getpid(), ".tmp.so");
  std::string log = stem + ".log";
  std::vector<std::string> cmd = argv;
  cmd.insert(cmd.end(), {src, "-o", tmp});
  int rc = run(cmd, log);
  if (rc != 0) {
    std::remove(tmp.c_str());
    std::string line;
    for (const std::string &a : cmd)
      line += (line.empty() ? "" : " ") + shellQuote(a);
    return Status::error(cat("sim: the host compiler failed (exit ", rc,
                             ") on ", src, "\nreproduce with: ", line, "\n",
                             readFile(log)));
  }
  if (std::rename(tmp.c_str(), so.c_str()) != 0)
    return Status::error(cat("sim: cannot rename ", tmp, " to ", so, ": ",
                             std::strerror(errno)));
  return so;
}

Expected<Kernel> loadKernelLibrary(const std::string &path,
                                   const std::string &entryName) {
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return Status::error(
        cat("sim: cannot load kernel library ", path, ": ", dlerror()));
  std::shared_ptr<void> library(handle, [](void *h) { dlclose(h); });
  std::string symbol = "ds_sim_entry_" + entryName;
  void *entry = dlsym(handle, symbol.c_str());
  if (!entry)
    return Status::error(cat("sim: kernel library ", path, " has no kernel '",
                             entryName, "' (no symbol ", symbol,
                             "; is the kernel followed by DS_SIM_EXPORT(",
                             entryName, ")?)"));
  return Kernel(entryName, reinterpret_cast<EntryFn>(entry),
                std::move(library));
}

} // namespace sim
} // namespace ds
