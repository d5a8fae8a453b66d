//===- DeviceLibrary.h - the device library, embedded ----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The device library's headers (codegen/cuda/*.cuh, and the runtime's
// ds/kernel_args.h and ds/sim/cuda_device.h), embedded in the compiler at
// build time, and the inliner that makes a kernel source self-contained
// (design §6): any machine with NVRTC and the CUDA headers, or the sim's host
// compiler and the runtime's sim headers, compiles it without the ds tree.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_DEVICELIBRARY_H
#define DS_CODEGEN_DEVICELIBRARY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace ds::codegen {

/// The text of the embedded header `name` ("codegen/cuda/norm.cuh").
std::optional<llvm::StringRef> deviceLibraryHeader(llvm::StringRef name);

/// The names of the embedded headers.
std::vector<llvm::StringRef> deviceLibraryHeaders();

/// `source` with every `#include "…"` of an embedded header replaced by the
/// header's text, recursively and once per header. `#include
/// "ds/sim/cuda_sim.h"` becomes its device side (ds/sim/cuda_device.h)
/// under `__CUDACC__` and stays an include for the sim. Angle-bracket
/// includes are kept. A quoted include of anything else is an error naming
/// it.
llvm::Expected<std::string> makeSelfContained(llvm::StringRef source);

} // namespace ds::codegen

#endif // DS_CODEGEN_DEVICELIBRARY_H
