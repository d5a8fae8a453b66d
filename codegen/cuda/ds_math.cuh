//===- ds_math.cuh - math routines with one result everywhere -*- CUDA -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Math the kernels need where the device's library function does not fit:
// written once in plain IEEE arithmetic (explicit fma, no fast-math
// intrinsics), so the GPU and the sim compute the same bits and the sim
// tests what the GPU runs.
//
//   sinCos(a, s, c)   sin and cos of a float angle, in double precision and
//                     rounded to float once: within an ulp of the correctly
//                     rounded value (the reference's std::sin / std::cos)
//                     for |a| < 2^24. CUDA's sincosf keeps a Payne-Hanek
//                     path for large arguments whose table lives in local
//                     memory (a 32-byte stack frame in every kernel that
//                     calls it); this one reduces by pi/2 in three
//                     Cody-Waite parts (28 + 28 + 53 bits: k · P1 and k · P2
//                     are exact for |k| < 2^24) and evaluates Taylor
//                     polynomials on |r| <= pi/4 (terms to r^15 / r^16,
//                     truncation below 2^-55).
//
//===----------------------------------------------------------------------===//

#ifndef DS_CODEGEN_CUDA_DS_MATH_CUH
#define DS_CODEGEN_CUDA_DS_MATH_CUH

#include "codegen/cuda/ds_convert.cuh"

namespace ds {

DS_DEVICE void sinCos(float angle, float &s, float &c) {
  const double kTwoOverPi = 0x1.45f306dc9c883p-1;
  const double kP1 = 0x1.921fb54000000p+0;
  const double kP2 = 0x1.10b4612000000p-30;
  const double kP3 = -0x1.676733ae8fe48p-60;
  double x = angle;
  double k = ::rint(x * kTwoOverPi);
  double r = ::fma(-k, kP1, x);
  r = ::fma(-k, kP2, r);
  r = ::fma(-k, kP3, r);
  double r2 = r * r;
  // sin r = r (1 - r²/3! + r⁴/5! - ...), cos r = 1 - r²/2! + r⁴/4! - ...
  double sp = -1.0 / 1307674368000.0; // -1/15!
  sp = ::fma(sp, r2, 1.0 / 6227020800.0);
  sp = ::fma(sp, r2, -1.0 / 39916800.0);
  sp = ::fma(sp, r2, 1.0 / 362880.0);
  sp = ::fma(sp, r2, -1.0 / 5040.0);
  sp = ::fma(sp, r2, 1.0 / 120.0);
  sp = ::fma(sp, r2, -1.0 / 6.0);
  double sr = ::fma(sp * r2, r, r);
  double cp = 1.0 / 20922789888000.0; // 1/16!
  cp = ::fma(cp, r2, -1.0 / 87178291200.0);
  cp = ::fma(cp, r2, 1.0 / 479001600.0);
  cp = ::fma(cp, r2, -1.0 / 3628800.0);
  cp = ::fma(cp, r2, 1.0 / 40320.0);
  cp = ::fma(cp, r2, -1.0 / 720.0);
  cp = ::fma(cp, r2, 1.0 / 24.0);
  cp = ::fma(cp, r2, -0.5);
  double cr = ::fma(cp, r2, 1.0);
  // The quadrant: angle = k·pi/2 + r.
  long long q = static_cast<long long>(k) & 3;
  double sv = q == 0 ? sr : q == 1 ? cr : q == 2 ? -sr : -cr;
  double cv = q == 0 ? cr : q == 1 ? -sr : q == 2 ? -cr : sr;
  s = static_cast<float>(sv);
  c = static_cast<float>(cv);
}

} // namespace ds

#endif // DS_CODEGEN_CUDA_DS_MATH_CUH
