//===- async_kernels.cuh - cp.async under test ----------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a): the
// zero-fill and 3-stage ring kernels, and the planted bugs (a tile read
// before its wait, a tile read by another thread without a barrier, a stage
// refilled while another thread may still read it).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/ds_async.cuh"

/// Thread t copies srcBytes(t) of its 16-byte slot with cp.async of 16, 8
/// or 4 bytes (t < 32, < 48, < 64) over a slot filled with 0x5a, then
/// writes its neighbour's slot (t + 1) % 64 to `out` after the barrier.
extern "C" __global__ void async_zero_fill(ds::gptr<const unsigned char> src,
                                           ds::gptr<unsigned char> out) {
  DS_SHARED(unsigned char, tile, 64 * 16);
  int t = int(threadIdx.x);
  ds::sptr<unsigned char> mine = tile + t * 16;
  for (int i = 0; i < 16; ++i)
    ds::st_shared(mine + i, static_cast<unsigned char>(0x5a));
  if (t < 32)
    ds::cp_async<16>(mine, src + t * 16, t % 17);
  else if (t < 48)
    ds::cp_async<8>(mine, src + t * 16, t % 9);
  else
    ds::cp_async<4>(mine, src + t * 16, t % 5);
  ds::cp_async_wait_all();
  __syncthreads();
  int n = (t + 1) % 64;
  for (int i = 0; i < 16; ++i)
    out[n * 16 + i] = ds::ld_shared(tile + n * 16 + i);
}
DS_SIM_EXPORT(async_zero_fill)

/// A 3-stage ring over `tiles` tiles of one float per thread (src [tiles,
/// 64]): at iteration kt, after wait_group 1 and the barrier, seen[kt, 0, t]
/// is the neighbour's element of tile kt and seen[kt, 1, t] the thread's
/// own slot of tile kt + 1 (still in flight).
extern "C" __global__ void async_ring(ds::gptr<const float> src,
                                      ds::gptr<float> seen, int tiles) {
  DS_SHARED(float, ring, 3 * 64);
  int t = int(threadIdx.x), n = (t + 1) % 64;
  for (int s = 0; s < 2; ++s) {
    if (s < tiles)
      ds::cp_async<4>(ring + s * 64 + t, src + s * 64 + t, 4);
    ds::cp_async_commit();
  }
  for (int kt = 0; kt < tiles; ++kt) {
    ds::cp_async_wait<1>();
    __syncthreads();
    if (kt + 2 < tiles)
      ds::cp_async<4>(ring + ((kt + 2) % 3) * 64 + t, src + (kt + 2) * 64 + t,
                      4);
    ds::cp_async_commit();
    seen[(kt * 2) * 64 + t] = ds::ld_shared(ring + (kt % 3) * 64 + n);
    seen[(kt * 2 + 1) * 64 + t] = ds::ld_shared(ring + ((kt + 1) % 3) * 64 + t);
  }
  ds::cp_async_wait_all();
}
DS_SIM_EXPORT(async_ring)

/// Planted bug: the tile is read before the wait (`own`: each thread its
/// own 16 bytes; else its neighbour's, after a barrier).
extern "C" __global__ void async_read_before_wait(ds::gptr<const float> src,
                                                  ds::gptr<float> out,
                                                  int own) {
  DS_SHARED(float, tile, 64 * 4);
  int t = int(threadIdx.x), r = own ? t : (t + 1) % 64;
  ds::cp_async<16>(tile + t * 4, src + t * 4, 16);
  ds::cp_async_commit();
  if (!own)
    __syncthreads();
  for (int i = 0; i < 4; ++i)
    out[t * 4 + i] = ds::ld_shared(tile + r * 4 + i);
  ds::cp_async_wait_all();
}
DS_SIM_EXPORT(async_read_before_wait)

/// Waits, then reads the neighbour's 16 bytes: planted bug when `sync` is 0
/// (no __syncthreads between the wait and the read).
extern "C" __global__ void async_no_barrier(ds::gptr<const float> src,
                                            ds::gptr<float> out, int sync) {
  DS_SHARED(float, tile, 64 * 4);
  int t = int(threadIdx.x), n = (t + 1) % 64;
  ds::cp_async<16>(tile + t * 4, src + t * 4, 16);
  ds::cp_async_wait_all();
  if (sync)
    __syncthreads();
  for (int i = 0; i < 4; ++i)
    out[t * 4 + i] = ds::ld_shared(tile + n * 4 + i);
}
DS_SIM_EXPORT(async_no_barrier)

/// Two tiles through one stage: the neighbour's 16 bytes of tile 0 are read,
/// then the stage is refilled with tile 1, with a barrier between the issue
/// and the wait (planted bug when `sync` is 0: no barrier between the reads
/// of tile 0 and the refill; the bytes may land while they are read).
extern "C" __global__ void async_refill(ds::gptr<const float> src,
                                        ds::gptr<float> out, int sync) {
  DS_SHARED(float, tile, 64 * 4);
  int t = int(threadIdx.x), n = (t + 1) % 64;
  for (int k = 0; k < 2; ++k) {
    if (k == 1 && sync)
      __syncthreads();
    ds::cp_async<16>(tile + t * 4, src + (k * 64 + t) * 4, 16);
    ds::cp_async_commit();
    __syncthreads();
    ds::cp_async_wait<0>();
    __syncthreads();
    for (int i = 0; i < 4; ++i)
      out[(k * 64 + t) * 4 + i] = ds::ld_shared(tile + n * 4 + i);
  }
}
DS_SIM_EXPORT(async_refill)
