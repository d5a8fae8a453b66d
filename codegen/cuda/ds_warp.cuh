//===- ds_warp.cuh - warp primitives -------------------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7a: warp-level hardware primitives as ds:: functions, the
// intrinsic on the device and, for the sim, an implementation over its warp
// exchange (the collective every warp primitive is built on).
//
//   matchAny(mask, v)   __match_any_sync: the lanes of `mask` whose v equals
//                       the caller's
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DS_WARP_CUH
#define DS_CODEGEN_CUDA_DS_WARP_CUH

#include "codegen/cuda/ds_convert.cuh"

namespace ds {

#if defined(__CUDACC__)

DS_DEVICE unsigned matchAny(unsigned mask, int v) {
  return __match_any_sync(mask, v);
}

#else // the sim

/// Every lane of `mask` must call it (a collective); lanes outside `mask`
/// never match.
inline unsigned matchAny(unsigned mask, int v,
                         const char *file = __builtin_FILE(),
                         int line = __builtin_LINE()) {
  sim::WarpValues<int> all =
      sim::warpExchange(mask, v, "__match_any_sync", file, line);
  unsigned bits = 0;
  for (int l = 0; l < 32; ++l)
    if ((mask >> l & 1u) && all.value[l] == v)
      bits |= 1u << l;
  return bits;
}

#endif

} // namespace ds

#endif // DS_CODEGEN_CUDA_DS_WARP_CUH
