//===- ds_mma.cuh - tensor-core primitives ---------------------*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// design.md §7a: every hardware primitive is a `ds::` function, inline PTX
// under __CUDA_ARCH__ and, for the sim, an implementation of the PTX ISA's
// documented fragment layouts over the sim's warp exchange. Kernels call
// these and nothing else for tensor cores, so one source runs on a GPU and
// on the sim.
//
//   mma_m16n8k16_bf16 / _f16   mma.sync.aligned.m16n8k16.row.col.f32.{bf16,f16}
//   ldmatrix_x4 / _x2          ldmatrix.sync.aligned.m8n8.{x4,x2}.shared.b16
//   ldmatrix_x4_trans / _x2_trans                  ... .trans
//
// Fragment layouts (PTX ISA, "Matrix Fragments for mma.m16n8k16"), with
// group = lane / 4 and quad = lane % 4:
//   A (16x16, row major), a[0..3] each two 16-bit values (low half first):
//     a[0] = A[group][2q..2q+1],     a[1] = A[group+8][2q..2q+1],
//     a[2] = A[group][2q+8..2q+9],   a[3] = A[group+8][2q+8..2q+9]
//   B (16x8, column major): b[0] = B[2q..2q+1][group], b[1] =
//   B[2q+8..2q+9][group] C, D (16x8, f32): c[0..1] = C[group][2q..2q+1],
//   c[2..3] = C[group+8][2q..2q+1]
// ldmatrix: lanes 8j .. 8j+7 give the row addresses of matrix j (eight
// 16-byte rows); lane l receives r[j] = M_j[l / 4][2(l % 4) .. 2(l % 4) + 1],
// or with .trans r[j] = (M_j[2(l % 4)][l / 4], M_j[2(l % 4) + 1][l / 4]).
//
// The sim accumulates each product in fp32 in k order; tensor cores round
// differently (design §7a: what the sim cannot tell), within the goldens'
// tolerances.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DS_MMA_CUH
#define DS_CODEGEN_CUDA_DS_MMA_CUH

#include "ds/sim/cuda_sim.h"

#if defined(__CUDACC__)

namespace ds {

__device__ __forceinline__ void mma_m16n8k16_bf16(float d[4],
                                                  const unsigned a[4],
                                                  const unsigned b[2],
                                                  const float c[4]) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
               "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
               "{%10, %11, %12, %13};"
               : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                 "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
}

__device__ __forceinline__ void mma_m16n8k16_f16(float d[4],
                                                 const unsigned a[4],
                                                 const unsigned b[2],
                                                 const float c[4]) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
               "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
               "{%10, %11, %12, %13};"
               : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                 "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
}

__device__ __forceinline__ unsigned sharedAddress(const void *p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}

__device__ __forceinline__ void ldmatrix_x4(unsigned r[4], const void *row) {
  asm volatile(
      "ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
      : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
      : "r"(sharedAddress(row)));
}
__device__ __forceinline__ void ldmatrix_x2(unsigned r[2], const void *row) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0, %1}, [%2];"
               : "=r"(r[0]), "=r"(r[1])
               : "r"(sharedAddress(row)));
}
__device__ __forceinline__ void ldmatrix_x4_trans(unsigned r[4],
                                                  const void *row) {
  asm volatile(
      "ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
      : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
      : "r"(sharedAddress(row)));
}
__device__ __forceinline__ void ldmatrix_x2_trans(unsigned r[2],
                                                  const void *row) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0, %1}, [%2];"
               : "=r"(r[0]), "=r"(r[1])
               : "r"(sharedAddress(row)));
}

} // namespace ds

#else // the sim

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace ds {
namespace mma_detail {

inline float bf16ToFloat(unsigned bits16) {
  uint32_t bits = bits16 << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
inline float f16ToFloat(unsigned bits16) {
  __half h;
  uint16_t b = static_cast<uint16_t>(bits16);
  std::memcpy(&h, &b, sizeof b);
  return __half2float(h);
}

struct Fragments {
  unsigned a[4];
  unsigned b[2];
  float c[4];
};

/// D = A·B + C over the warp's fragments, `toFloat` decoding 16-bit values.
template <class Decode>
inline void mma(float d[4], const unsigned a[4], const unsigned b[2],
                const float c[4], Decode toFloat, const char *what,
                const char *file, int line) {
  Fragments mine;
  for (int i = 0; i < 4; ++i)
    mine.a[i] = a[i], mine.c[i] = c[i];
  mine.b[0] = b[0], mine.b[1] = b[1];
  sim::WarpValues<Fragments> all =
      sim::warpExchange(0xffffffffu, mine, what, file, line);
  float A[16][16], B[16][8], C[16][8];
  for (int lane = 0; lane < 32; ++lane) {
    const Fragments &f = all.value[lane];
    int g = lane / 4, q = lane % 4;
    for (int h = 0; h < 2; ++h) {
      A[g][2 * q + h] = toFloat(f.a[0] >> (16 * h) & 0xffffu);
      A[g + 8][2 * q + h] = toFloat(f.a[1] >> (16 * h) & 0xffffu);
      A[g][2 * q + 8 + h] = toFloat(f.a[2] >> (16 * h) & 0xffffu);
      A[g + 8][2 * q + 8 + h] = toFloat(f.a[3] >> (16 * h) & 0xffffu);
      B[2 * q + h][g] = toFloat(f.b[0] >> (16 * h) & 0xffffu);
      B[2 * q + 8 + h][g] = toFloat(f.b[1] >> (16 * h) & 0xffffu);
      C[g][2 * q + h] = f.c[h];
      C[g + 8][2 * q + h] = f.c[2 + h];
    }
  }
  int lane = static_cast<int>(sim::laneId());
  int g = lane / 4, q = lane % 4;
  for (int i = 0; i < 4; ++i) {
    int row = g + (i >= 2 ? 8 : 0), col = 2 * q + (i & 1);
    float acc = C[row][col];
    for (int k = 0; k < 16; ++k)
      acc += A[row][k] * B[k][col];
    d[i] = acc;
  }
}

/// ldmatrix of `count` 8x8 matrices of 16-bit values.
inline void ldmatrix(unsigned *r, int count, bool trans, sptr<const void> row,
                     const char *what, const char *file, int line) {
  uintptr_t mine = reinterpret_cast<uintptr_t>(raw(row));
  // PTX: each row address is 16-byte aligned (a row is 8 16-bit values).
  if (mine % 16 != 0) {
    char message[160];
    std::snprintf(message, sizeof message,
                  "%s: row address %p is not 16-byte aligned (a wrong "
                  "fragment address)",
                  what, reinterpret_cast<const void *>(mine));
    sim::detail::hazard(message, file, line);
  }
  sim::WarpValues<uintptr_t> all =
      sim::warpExchange(0xffffffffu, mine, what, file, line);
  int lane = static_cast<int>(sim::laneId());
  for (int j = 0; j < count; ++j) {
    // Row i of matrix j starts at lane 8j + i's address.
    auto element = [&](int i, int col) -> unsigned {
      sptr<const uint16_t> p(
          reinterpret_cast<const uint16_t *>(all.value[8 * j + i]) + col);
      return ld_shared(p);
    };
    unsigned lo, hi;
    if (!trans) {
      lo = element(lane / 4, 2 * (lane % 4));
      hi = element(lane / 4, 2 * (lane % 4) + 1);
    } else {
      lo = element(2 * (lane % 4), lane / 4);
      hi = element(2 * (lane % 4) + 1, lane / 4);
    }
    r[j] = lo | hi << 16;
  }
}

} // namespace mma_detail

inline void mma_m16n8k16_bf16(float d[4], const unsigned a[4],
                              const unsigned b[2], const float c[4],
                              const char *file = __builtin_FILE(),
                              int line = __builtin_LINE()) {
  mma_detail::mma(d, a, b, c, mma_detail::bf16ToFloat, "mma.sync.m16n8k16.bf16",
                  file, line);
}
inline void mma_m16n8k16_f16(float d[4], const unsigned a[4],
                             const unsigned b[2], const float c[4],
                             const char *file = __builtin_FILE(),
                             int line = __builtin_LINE()) {
  mma_detail::mma(d, a, b, c, mma_detail::f16ToFloat, "mma.sync.m16n8k16.f16",
                  file, line);
}
inline void ldmatrix_x4(unsigned r[4], sptr<const void> row,
                        const char *file = __builtin_FILE(),
                        int line = __builtin_LINE()) {
  mma_detail::ldmatrix(r, 4, false, row, "ldmatrix.x4", file, line);
}
inline void ldmatrix_x2(unsigned r[2], sptr<const void> row,
                        const char *file = __builtin_FILE(),
                        int line = __builtin_LINE()) {
  mma_detail::ldmatrix(r, 2, false, row, "ldmatrix.x2", file, line);
}
inline void ldmatrix_x4_trans(unsigned r[4], sptr<const void> row,
                              const char *file = __builtin_FILE(),
                              int line = __builtin_LINE()) {
  mma_detail::ldmatrix(r, 4, true, row, "ldmatrix.x4.trans", file, line);
}
inline void ldmatrix_x2_trans(unsigned r[2], sptr<const void> row,
                              const char *file = __builtin_FILE(),
                              int line = __builtin_LINE()) {
  mma_detail::ldmatrix(r, 2, true, row, "ldmatrix.x2.trans", file, line);
}

} // namespace ds

#endif // __CUDACC__

#endif // DS_CODEGEN_CUDA_DS_MMA_CUH
