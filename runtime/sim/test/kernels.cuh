//===- kernels.cuh - CUDA kernels of the sim tests -----------------*- CUDA
//-*-===//
//
// Part of the ds project, a compiler and runtime for Mixture-of-Experts models.
//
//===----------------------------------------------------------------------===//
//
// One source, three compilers: the sim tests compile it into the test binary
// (host compiler), into a kernel library (compileKernelLibrary), and with
// NVRTC for sm_90a (sim_nvrtc_test), so every kernel here is valid CUDA.
// The first kernels are correct; the `bug_` ones each plant one hazard.
//
//===----------------------------------------------------------------------===//

#include "ds/sim/cuda_sim.h"

/// Sums `in[0, n)` per block: a grid-stride loop, a warp reduction with
/// shuffles, the warps' partial sums through shared memory. out[blockIdx.x].
extern "C" __global__ void block_reduce_sum(ds::gptr<const float> in,
                                            ds::gptr<float> out, int n) {
  DS_SHARED(float, warpSums, 32);
  float sum = 0.0f;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += blockDim.x * gridDim.x)
    sum += in[i];
  for (int offset = 16; offset > 0; offset /= 2)
    sum += __shfl_down_sync(0xffffffffu, sum, offset);
  unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0)
    warpSums[warp] = sum;
  __syncthreads();
  if (warp == 0) {
    unsigned warps = blockDim.x / 32;
    float v = lane < warps ? float(warpSums[lane]) : 0.0f;
    for (int offset = 16; offset > 0; offset /= 2)
      v += __shfl_xor_sync(0xffffffffu, v, offset);
    if (lane == 0)
      out[blockIdx.x] = v;
  }
}
DS_SIM_EXPORT(block_reduce_sum)

/// out = in^T for a rows x cols matrix, through a padded 32 x 33 shared
/// tile; blocks of 32 x 8 threads.
extern "C" __global__ void transpose(ds::gptr<const float> in,
                                     ds::gptr<float> out, int rows, int cols) {
  DS_SHARED(float, tile, 32 * 33);
  int x = blockIdx.x * 32 + threadIdx.x;
  int y = blockIdx.y * 32 + threadIdx.y;
  for (int j = 0; j < 32; j += 8)
    if (x < cols && y + j < rows)
      tile[(threadIdx.y + j) * 33 + threadIdx.x] = in[(y + j) * cols + x];
  __syncthreads();
  x = blockIdx.y * 32 + threadIdx.x;
  y = blockIdx.x * 32 + threadIdx.y;
  for (int j = 0; j < 32; j += 8)
    if (x < rows && y + j < cols)
      out[(y + j) * rows + x] = tile[threadIdx.x * 33 + threadIdx.y + j];
}
DS_SIM_EXPORT(transpose)

/// hist[b] = the number of in[i] == b: a shared histogram per block with
/// shared atomics, merged with global atomics. bins <= 256.
extern "C" __global__ void histogram(ds::gptr<const int> in, ds::gptr<int> hist,
                                     int n, int bins) {
  DS_SHARED(int, local, 256);
  for (int b = threadIdx.x; b < bins; b += blockDim.x)
    local[b] = 0;
  __syncthreads();
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n;
       i += blockDim.x * gridDim.x)
    atomicAdd(&local[in[i]], 1);
  __syncthreads();
  for (int b = threadIdx.x; b < bins; b += blockDim.x)
    atomicAdd(&hist[b], int(local[b]));
}
DS_SIM_EXPORT(histogram)

/// out[i] = bf16(in[i] * scale) and the f16 of the same, through dynamic
/// shared memory; also a ballot and the global helpers.
extern "C" __global__ void to_bf16(const float *in, __nv_bfloat16 *out,
                                   __half *outHalf, float scale, int n) {
  DS_DYNAMIC_SHARED(float, staged);
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? ds::ld_global(in + i) * scale : 0.0f;
  staged[threadIdx.x] = v;
  __syncwarp();
  unsigned active = __ballot_sync(0xffffffffu, i < n);
  if (i < n && (active >> (threadIdx.x % 32) & 1u)) {
    ds::st_global(out + i, __float2bfloat16(float(staged[threadIdx.x])));
    ds::st_global(outHalf + i, __float2half_rn(v));
  }
}
DS_SIM_EXPORT(to_bf16)

/// 4 barriers, 256 threads: the cost of a block (the benchmark).
extern "C" __global__ void four_barriers(ds::gptr<float> out) {
  DS_SHARED(float, buf, 2 * 256); // double-buffered: no race between rounds
  float v = float(threadIdx.x);
  for (int k = 0; k < 4; ++k) {
    buf[(k % 2) * 256 + threadIdx.x] = v;
    __syncthreads();
    v += buf[(k % 2) * 256 + (threadIdx.x + 1) % blockDim.x];
  }
  if (threadIdx.x == 0)
    out[blockIdx.x] = v;
}
DS_SIM_EXPORT(four_barriers)

//===- Planted bugs
//--------------------------------------------------------===//

/// A missing __syncthreads: each thread reads its neighbour's element of
/// the same interval.
extern "C" __global__ void bug_missing_sync(ds::gptr<float> out) {
  DS_SHARED(float, buf, 128);
  buf[threadIdx.x] = float(threadIdx.x);
  // __syncthreads() belongs here.
  out[threadIdx.x] = buf[(threadIdx.x + 1) % blockDim.x];
}
DS_SIM_EXPORT(bug_missing_sync)

/// Stores one element past the end: `i <= n`.
extern "C" __global__ void bug_oob_global_store(ds::gptr<float> out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i <= n)
    out[i] = 1.0f;
}
DS_SIM_EXPORT(bug_oob_global_store)

/// Reads one element past a shared array.
extern "C" __global__ void bug_oob_shared(ds::gptr<float> out) {
  DS_SHARED(float, buf, 64);
  buf[threadIdx.x] = 1.0f;
  __syncthreads();
  out[threadIdx.x] = buf[threadIdx.x + 1];
}
DS_SIM_EXPORT(bug_oob_shared)

/// Only the first warp reaches the barrier.
extern "C" __global__ void bug_divergent_sync(ds::gptr<float> out) {
  DS_SHARED(float, buf, 64);
  buf[threadIdx.x] = 1.0f;
  if (threadIdx.x < 32)
    __syncthreads();
  out[threadIdx.x] = buf[threadIdx.x];
}
DS_SIM_EXPORT(bug_divergent_sync)

/// Each warp waits at its own named barrier for both warps: a deadlock.
extern "C" __global__ void bug_deadlock(ds::gptr<float> out) {
  if (threadIdx.x < 32)
    ds::bar_sync(1, 64);
  else
    ds::bar_sync(2, 64);
  out[threadIdx.x] = 1.0f;
}
DS_SIM_EXPORT(bug_deadlock)

/// The lower half-warp shuffles among itself but reads from the upper half,
/// which is not in the mask.
extern "C" __global__ void bug_shfl_inactive_lane(ds::gptr<float> out) {
  unsigned lane = threadIdx.x % 32;
  float v = float(lane);
  if (lane < 16)
    v = __shfl_sync(0x0000ffffu, v, int(lane) + 16);
  out[threadIdx.x] = v;
}
DS_SIM_EXPORT(bug_shfl_inactive_lane)

/// A shuffle whose mask excludes a lane that calls it.
extern "C" __global__ void bug_shfl_mask_excludes_caller(ds::gptr<float> out) {
  float v = __shfl_xor_sync(0x7fffffffu, float(threadIdx.x), 1);
  out[threadIdx.x] = v;
}
DS_SIM_EXPORT(bug_shfl_mask_excludes_caller)

/// Thread 0 overwrites what the others read in the same interval.
extern "C" __global__ void bug_write_after_read(ds::gptr<float> out) {
  DS_SHARED(float, flag, 1);
  if (threadIdx.x == 0)
    flag[0] = 1.0f;
  __syncthreads();
  float v = flag[0];
  if (threadIdx.x == 0)
    flag[0] = 2.0f; // the others may still be reading the 1
  out[threadIdx.x] = v;
}
DS_SIM_EXPORT(bug_write_after_read)
