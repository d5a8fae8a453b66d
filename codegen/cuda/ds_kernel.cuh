//===- ds_kernel.cuh - what a generated kernel entry calls -----*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The glue between the launch ABI (ds/kernel_args.h: one ds::KernelArgs per
// launch) and the device library's templates. A generated entry
// (codegen/KernelToCuda.cpp) reads its buffers and T through these and calls
// one template with constant sizes:
//
//   extern "C" __global__ __launch_bounds__(256) void ds_norm_...(
//       ds::KernelArgs v1) {
//     ds::gptr<const __nv_bfloat16> v2 = ds::buffer<const __nv_bfloat16>(v1,
//     0);
//     ...
//     ds::normKernel<__nv_bfloat16, __nv_bfloat16, 256>(v2, ..., 64, 1e-6f);
//   }
//   DS_SIM_EXPORT(ds_norm_...)
//
// DS_CONSTANT declares a constant table of the source (rope's inverse
// frequencies): constant memory on the device, a static array for the sim.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DS_KERNEL_CUH
#define DS_CODEGEN_CUDA_DS_KERNEL_CUH

#include "codegen/cuda/ds_convert.cuh"
#include "ds/kernel_args.h"

#if defined(__CUDACC__)
#define DS_CONSTANT __constant__ const
#else
#define DS_CONSTANT static const
#endif

namespace ds {

/// Buffer `i` of the launch as a global pointer to T (null stays null).
template <class T> DS_DEVICE gptr<T> buffer(const KernelArgs &args, int i) {
  return gptr<T>(static_cast<T *>(args.buffers[i]));
}

/// The entry's token count T.
DS_DEVICE long long tokens(const KernelArgs &args) { return args.tokens; }

/// The sim's statistics counter of the launch, in buffer slot `i` (the
/// first slot after the launch's buffers; runtime/lib/sim_backend.cpp fills
/// it). Under a CUDA compiler it is the constant null, so a kernel's
/// counting folds away: a GPU launch never pays for it.
DS_DEVICE gptr<unsigned> simCounter(const KernelArgs &args, int i) {
#if defined(__CUDACC__)
  (void)args;
  (void)i;
  return nullptr;
#else
  return gptr<unsigned>(static_cast<unsigned *>(args.buffers[i]));
#endif
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_DS_KERNEL_CUH
