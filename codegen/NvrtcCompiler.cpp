//===- NvrtcCompiler.cpp - CUDA C++ to sm_90a cubins with NVRTC -----------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "codegen/NvrtcCompiler.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <nvrtc.h>

#include <memory>
#include <mutex>

using namespace ds::codegen;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::string> ds::codegen::nvrtcVersion() {
  int major = 0, minor = 0;
  if (::nvrtcVersion(&major, &minor) != NVRTC_SUCCESS)
    return error("libnvrtc does not report its version");
  return llvm::formatv("{0}.{1}", major, minor).str();
}

std::vector<std::string>
ds::codegen::nvrtcArguments(const NvrtcOptions &options) {
  std::vector<std::string> args = {"--gpu-architecture=" + options.target,
                                   "-std=c++17", "--ptxas-options=-v",
                                   "-lineinfo"};
  args.insert(args.end(), options.extraOptions.begin(),
              options.extraOptions.end());
  return args;
}

//===----------------------------------------------------------------------===//
// The ptxas report
//===----------------------------------------------------------------------===//

/// The number before `what` on `line` ("10 registers" -> 10), or -1.
static int64_t numberBefore(llvm::StringRef line, llvm::StringRef what) {
  size_t at = line.find(what);
  if (at == llvm::StringRef::npos)
    return -1;
  llvm::StringRef head = line.substr(0, at).rtrim();
  size_t start = head.find_last_not_of("0123456789");
  llvm::StringRef digits =
      start == llvm::StringRef::npos ? head : head.substr(start + 1);
  int64_t value = -1;
  if (digits.empty() || digits.getAsInteger(10, value))
    return -1;
  return value;
}

ds::PtxasReport ds::codegen::parsePtxasReport(llvm::StringRef log,
                                              llvm::StringRef entry,
                                              int64_t *staticSharedBytes) {
  ds::PtxasReport report;
  int64_t shared = 0;
  bool inEntry = false;
  llvm::SmallVector<llvm::StringRef> lines;
  log.split(lines, '\n');
  std::string kept;
  for (llvm::StringRef line : lines) {
    if (line.contains("Compiling entry function") ||
        line.contains("Function properties for")) {
      inEntry = line.contains(("'" + entry + "'").str()) ||
                line.ends_with((" " + entry).str());
    }
    if (!inEntry)
      continue;
    kept += line.str() + "\n";
    if (int64_t v = numberBefore(line, "bytes stack frame"); v >= 0)
      report.stackBytes = v;
    if (int64_t v = numberBefore(line, "bytes spill stores"); v >= 0)
      report.spillStores = v;
    if (int64_t v = numberBefore(line, "bytes spill loads"); v >= 0)
      report.spillLoads = v;
    if (int64_t v = numberBefore(line, "registers"); v >= 0)
      report.registers = v;
    if (int64_t v = numberBefore(line, "bytes smem"); v >= 0)
      shared = v;
  }
  report.log = kept;
  report.sharedBytes = shared;
  if (staticSharedBytes)
    *staticSharedBytes = shared;
  return report;
}

llvm::Error ds::codegen::checkNoLocalMemory(const KernelSource &kernel,
                                            const ds::PtxasReport &report) {
  if (report.spillStores || report.spillLoads || report.stackBytes)
    return error(llvm::formatv(
        "kernel '{0}' ({1}) uses local memory: {2} bytes stack frame, {3} "
        "bytes spill stores, {4} bytes spill loads (a kernel must not spill)",
        kernel.name, kernel.entry, report.stackBytes, report.spillStores,
        report.spillLoads));
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// The cache
//===----------------------------------------------------------------------===//

/// The cache folder for `options`, or empty when the cache is off.
static std::string cacheFolder(const NvrtcOptions &options) {
  std::string dir = options.cacheDir;
  if (dir == "none")
    return "";
  if (dir.empty()) {
    if (std::optional<std::string> env =
            llvm::sys::Process::GetEnv("DS_CACHE_DIR"))
      dir = *env;
    else if (std::optional<std::string> home =
                 llvm::sys::Process::GetEnv("HOME"))
      dir = *home + "/.cache/ds";
    else
      return "";
  }
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "nvrtc");
  return std::string(path);
}

/// The key of a compilation: SHA-256 of the NVRTC version, the arguments,
/// the entry and the source, each terminated by a NUL.
static std::string cacheKey(const KernelSource &kernel,
                            const std::vector<std::string> &args,
                            llvm::StringRef version) {
  llvm::SHA256 hash;
  auto add = [&](llvm::StringRef s) {
    hash.update(s);
    hash.update(llvm::StringRef("\0", 1));
  };
  add(version);
  for (const std::string &a : args)
    add(a);
  add(kernel.entry);
  add(kernel.source);
  std::array<uint8_t, 32> digest = hash.final();
  return llvm::toHex(digest, /*LowerCase=*/true);
}

static std::optional<std::string> readFile(const llvm::Twine &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file)
    return std::nullopt;
  return (*file)->getBuffer().str();
}

/// Writes `data` to `path` through a temporary file and a rename, so that a
/// concurrent reader never sees a partial file.
static bool writeFileAtomically(llvm::StringRef path, llvm::StringRef data) {
  llvm::SmallString<256> temp;
  int fd = -1;
  if (llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, temp))
    return false;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << data;
    if (os.has_error()) {
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return false;
    }
  }
  if (llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Compiling
//===----------------------------------------------------------------------===//

/// ptxas's own message for `ptx` (NVRTC sometimes fails with an empty log
/// after generating PTX: design §9).
static std::string ptxasMessage(llvm::StringRef ptx, llvm::StringRef target) {
  llvm::ErrorOr<std::string> ptxas =
      llvm::sys::findProgramByName("ptxas", {"/usr/local/cuda/bin"});
  if (!ptxas)
    return "(ptxas not found to explain the failure)";
  llvm::SmallString<128> input, output;
  if (llvm::sys::fs::createTemporaryFile("ds-kernel", "ptx", input) ||
      llvm::sys::fs::createTemporaryFile("ds-ptxas", "log", output))
    return "(no temporary file for ptxas)";
  writeFileAtomically(input, ptx);
  std::string arch = ("-arch=" + target).str();
  llvm::StringRef args[] = {*ptxas, arch, input, "-o", "/dev/null"};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, output.str(),
                                                output.str()};
  llvm::sys::ExecuteAndWait(*ptxas, args, std::nullopt, redirects,
                            /*SecondsToWait=*/60);
  std::string message = readFile(output).value_or("");
  llvm::sys::fs::remove(input);
  llvm::sys::fs::remove(output);
  return message.empty() ? "(ptxas printed nothing)" : message;
}

/// The `compute_XX` of `sm_XX[a]`.
static std::string computeOf(llvm::StringRef target) {
  std::string compute = target.str();
  if (llvm::StringRef(compute).starts_with("sm_"))
    compute = "compute_" + compute.substr(3);
  return compute;
}

static llvm::Expected<CompiledKernel>
compileUncached(const KernelSource &kernel, const NvrtcOptions &options,
                const std::vector<std::string> &args, llvm::StringRef folder,
                llvm::StringRef key) {
  nvrtcProgram program = nullptr;
  if (nvrtcCreateProgram(&program, kernel.source.c_str(),
                         (kernel.name + ".cu").c_str(), 0, nullptr,
                         nullptr) != NVRTC_SUCCESS)
    return error("NVRTC cannot create a program for kernel '" + kernel.name +
                 "'");
  std::unique_ptr<nvrtcProgram, void (*)(nvrtcProgram *)> guard(
      &program, [](nvrtcProgram *p) { nvrtcDestroyProgram(p); });
  std::vector<const char *> argv;
  for (const std::string &a : args)
    argv.push_back(a.c_str());
  nvrtcResult result =
      nvrtcCompileProgram(program, static_cast<int>(argv.size()), argv.data());
  size_t logSize = 0;
  nvrtcGetProgramLogSize(program, &logSize);
  std::string log(logSize, '\0');
  if (logSize)
    nvrtcGetProgramLog(program, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n'))
    log.pop_back();

  size_t ptxSize = 0;
  std::string ptx;
  if (nvrtcGetPTXSize(program, &ptxSize) == NVRTC_SUCCESS && ptxSize > 1) {
    ptx.assign(ptxSize, '\0');
    nvrtcGetPTX(program, ptx.data());
    ptx.pop_back(); // the terminating NUL
  }

  if (result != NVRTC_SUCCESS) {
    std::string message = log;
    if (message.empty())
      message = ptx.empty() ? "(NVRTC printed nothing)"
                            : ptxasMessage(ptx, options.target);
    // The source, kept for the reproducer.
    llvm::SmallString<256> saved;
    if (!folder.empty() && !llvm::sys::fs::create_directories(folder)) {
      saved = folder;
      llvm::sys::path::append(saved, "failed-" + key.str() + ".cu");
    } else {
      llvm::sys::fs::createTemporaryFile("ds-failed-kernel", "cu", saved);
    }
    writeFileAtomically(saved, kernel.source);
    return error(llvm::formatv(
        "NVRTC cannot compile kernel '{0}' for {1} ({2}):\n{3}\nreproduce: "
        "nvcc -gencode=arch={4},code={1} -cubin -std=c++17 -Xptxas -v {5}",
        kernel.name, options.target, nvrtcGetErrorString(result), message,
        computeOf(options.target), saved));
  }

  CompiledKernel out;
  size_t cubinSize = 0;
  if (nvrtcGetCUBINSize(program, &cubinSize) != NVRTC_SUCCESS || cubinSize == 0)
    return error("NVRTC produced no cubin for kernel '" + kernel.name +
                 "' (is " + options.target + " a real architecture?)");
  out.cubin.resize(cubinSize);
  nvrtcGetCUBIN(program, reinterpret_cast<char *>(out.cubin.data()));
  out.ptx = std::move(ptx);
  out.report = parsePtxasReport(log, kernel.entry, &out.staticSharedBytes);
  if (out.report.log.empty())
    return error("the ptxas report of kernel '" + kernel.name +
                 "' does not mention its entry '" + kernel.entry + "'");

  if (!folder.empty() && !llvm::sys::fs::create_directories(folder)) {
    llvm::SmallString<256> base(folder);
    llvm::sys::path::append(base, key);
    writeFileAtomically((base + ".ptx").str(), out.ptx);
    writeFileAtomically((base + ".log").str(), log);
    // The cubin last: its presence marks a complete entry.
    writeFileAtomically(
        (base + ".cubin").str(),
        llvm::StringRef(reinterpret_cast<const char *>(out.cubin.data()),
                        out.cubin.size()));
  }
  return out;
}

llvm::Expected<CompiledKernel>
ds::codegen::compileKernel(const KernelSource &kernel,
                           const NvrtcOptions &options) {
  llvm::Expected<std::string> version = nvrtcVersion();
  if (!version)
    return version.takeError();
  std::vector<std::string> args = nvrtcArguments(options);
  std::string key = cacheKey(kernel, args, *version);
  std::string folder = cacheFolder(options);
  if (!folder.empty()) {
    llvm::SmallString<256> base(folder);
    llvm::sys::path::append(base, key);
    std::optional<std::string> cubin = readFile(base + ".cubin");
    std::optional<std::string> ptx = readFile(base + ".ptx");
    std::optional<std::string> log = readFile(base + ".log");
    if (cubin && ptx && log && !cubin->empty()) {
      CompiledKernel out;
      out.cubin.assign(cubin->begin(), cubin->end());
      out.ptx = std::move(*ptx);
      out.report = parsePtxasReport(*log, kernel.entry, &out.staticSharedBytes);
      out.fromCache = true;
      if (!out.report.log.empty())
        return out;
      // A damaged entry: compile again and overwrite it.
    }
  }
  return compileUncached(kernel, options, args, folder, key);
}

std::vector<llvm::Expected<CompiledKernel>>
ds::codegen::compileKernels(llvm::ArrayRef<KernelSource> kernels,
                            const NvrtcOptions &options) {
  // One compilation per distinct (entry, source).
  llvm::StringMap<size_t> firstOf;
  std::vector<size_t> unique;
  std::vector<size_t> slot(kernels.size());
  for (size_t i = 0; i < kernels.size(); ++i) {
    std::string id = kernels[i].entry + '\0' + kernels[i].source;
    auto [it, inserted] = firstOf.try_emplace(id, unique.size());
    if (inserted)
      unique.push_back(i);
    slot[i] = it->second;
  }

  std::vector<std::optional<llvm::Expected<CompiledKernel>>> results(
      unique.size());
  {
    llvm::DefaultThreadPool pool(llvm::hardware_concurrency(options.threads));
    for (size_t u = 0; u < unique.size(); ++u)
      pool.async([&, u] {
        results[u].emplace(compileKernel(kernels[unique[u]], options));
      });
    pool.wait();
  }

  std::vector<llvm::Expected<CompiledKernel>> out;
  out.reserve(kernels.size());
  for (size_t i = 0; i < kernels.size(); ++i) {
    llvm::Expected<CompiledKernel> &r = *results[slot[i]];
    if (unique[slot[i]] == i) {
      out.push_back(std::move(r));
      continue;
    }
    // A duplicate: a copy of the first's result (its error is reported
    // with the first).
    if (!out[unique[slot[i]]])
      out.push_back(
          error("kernel '" + kernels[i].name + "' has the source of kernel '" +
                kernels[unique[slot[i]]].name + "', which failed to compile"));
    else
      out.push_back(CompiledKernel(*out[unique[slot[i]]]));
  }
  return out;
}
