//===- ds/kernel_args.h - the one parameter of every ds kernel --*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The launch ABI between the runtime and the kernels of a module (design §6,
// docs/kernels.md): every `extern "C" __global__` entry the code generator
// writes takes one ds::KernelArgs by value. The runtime fills it per launch:
// the device addresses of the launch's buffers (its operands, then its
// results, in the order of ds/module.h) and the entry's token count T; every
// other size is a constant of the kernel's source. Plain C++ with no
// includes, so the runtime, the sim and NVRTC (through the self-contained
// source, which inlines this file) read one definition.
//
//===----------------------------------------------------------------------===//

#ifndef DS_KERNEL_ARGS_H
#define DS_KERNEL_ARGS_H

namespace ds {

/// The most buffers a launch passes (gemm: a, w, scales, bias, c).
inline constexpr int kMaxKernelBuffers = 8;

struct KernelArgs {
  void *buffers[kMaxKernelBuffers];
  long long tokens;
};

static_assert(sizeof(KernelArgs) == 8 * kMaxKernelBuffers + 8,
              "the launch ABI is 8 pointers and one 64-bit token count");

} // namespace ds

#endif // DS_KERNEL_ARGS_H
