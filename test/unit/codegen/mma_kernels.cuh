//===- mma_kernels.cuh - tensor-core primitive tests ---------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// One source for the sim (compiled into the test) and NVRTC (sm_90a).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/ds_mma.cuh"

/// One warp: D [16, 8] f32 = A [16, 16] · B [16, 8] + C, with A row major
/// and B given as Bᵀ [8, 16] row major (the "col" operand), both 16-bit
/// (bf16 when `f16` is 0, else f16) and loaded from shared memory with
/// ldmatrix (A: x4; Bᵀ: x2); `trans` loads B [16, 8] row major with
/// ldmatrix.trans instead.
extern "C" __global__ void mma_tile(ds::gptr<const unsigned short> a,
                                    ds::gptr<const unsigned short> b,
                                    ds::gptr<const float> c, ds::gptr<float> d,
                                    int f16, int trans) {
  DS_SHARED(unsigned short, sa, 16 * 16);
  DS_SHARED(unsigned short, sb, 16 * 8);
  unsigned lane = threadIdx.x;
  for (unsigned i = lane; i < 16 * 16; i += 32)
    sa[i] = a[i];
  for (unsigned i = lane; i < 16 * 8; i += 32)
    sb[i] = b[i];
  __syncthreads(); // one warp is the block

  unsigned fa[4], fb[2];
  // A: matrices (rows 0-7, k 0-7), (rows 8-15, k 0-7), (rows 0-7, k 8-15),
  // (rows 8-15, k 8-15): lane l gives row (l % 8) + 8 * ((l / 8) % 2) at k
  // offset 8 * (l / 16).
  unsigned row = lane % 8 + 8 * ((lane / 8) % 2);
  ds::ldmatrix_x4(fa, sa + row * 16 + 8 * (lane / 16));
  if (!trans) {
    // Bᵀ [n][k]: matrices (n 0-7, k 0-7), (n 0-7, k 8-15): lanes 0-15
    // give n = l % 8 at k offset 8 * (l / 8); lanes 16-31 mirror them.
    unsigned l = lane % 16;
    ds::ldmatrix_x2(fb, sb + (l % 8) * 16 + 8 * (l / 8));
  } else {
    // B [k][n]: matrices (k 0-7), (k 8-15), each row k of 8 n values.
    unsigned l = lane % 16;
    ds::ldmatrix_x2_trans(fb, sb + l * 8);
  }
  float fc[4], fd[4];
  unsigned g = lane / 4, q = lane % 4;
  fc[0] = c[g * 8 + 2 * q];
  fc[1] = c[g * 8 + 2 * q + 1];
  fc[2] = c[(g + 8) * 8 + 2 * q];
  fc[3] = c[(g + 8) * 8 + 2 * q + 1];
  if (f16)
    ds::mma_m16n8k16_f16(fd, fa, fb, fc);
  else
    ds::mma_m16n8k16_bf16(fd, fa, fb, fc);
  d[g * 8 + 2 * q] = fd[0];
  d[g * 8 + 2 * q + 1] = fd[1];
  d[(g + 8) * 8 + 2 * q] = fd[2];
  d[(g + 8) * 8 + 2 * q + 1] = fd[3];
}
DS_SIM_EXPORT(mma_tile)

/// A planted bug: the A fragment's row addresses one element off (2 bytes),
/// so every lane's ldmatrix row is misaligned and straddles two rows.
extern "C" __global__ void
mma_tile_wrong_fragment(ds::gptr<const unsigned short> a, ds::gptr<float> d) {
  DS_SHARED(unsigned short, sa, 16 * 16 + 8);
  unsigned lane = threadIdx.x;
  for (unsigned i = lane; i < 16 * 16; i += 32)
    sa[i] = a[i];
  __syncthreads();
  unsigned fa[4];
  unsigned row = lane % 8 + 8 * ((lane / 8) % 2);
  ds::ldmatrix_x4(fa, sa + row * 16 + 8 * (lane / 16) + 1);
  d[lane] = float(fa[0] & 0xffffu);
}
DS_SIM_EXPORT(mma_tile_wrong_fragment)
