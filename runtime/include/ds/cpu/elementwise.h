//===- ds/cpu/elementwise.h - elementwise arith, CPU reference -*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// The elementwise float arithmetic the importer emits between moe ops
// (arith.addf/subf/mulf/divf/maximumf/minimumf/negf/extf/truncf on tensors):
// each element is computed in fp32 from the operands' values and rounded to
// the result dtype, as a framework computing in that dtype does. No MLIR, no
// exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef DS_CPU_ELEMENTWISE_H
#define DS_CPU_ELEMENTWISE_H

#include "ds/cpu/tensor.h"

namespace ds::cpu {

enum class BinaryFn {
  Add,
  Sub,
  Mul,
  Div,
  Maximum, ///< NaN if either operand is NaN (arith.maximumf)
  Minimum, ///< NaN if either operand is NaN (arith.minimumf)
};

enum class UnaryFn {
  Neg,
  Cast, ///< the value itself, rounded to the result dtype (extf, truncf)
};

/// The name of the arith op `fn` implements ("arith.addf").
const char *binaryFnName(BinaryFn fn);
const char *unaryFnName(UnaryFn fn);

/// `fn(a[j], b[j])` for float tensors `a` and `b` of one shape, rounded to
/// float dtype `out`.
Expected<Tensor> binary(BinaryFn fn, const Tensor &a, const Tensor &b,
                        DType out);

/// `fn(a[j])` for float tensor `a`, rounded to float dtype `out`.
Expected<Tensor> unary(UnaryFn fn, const Tensor &a, DType out);

} // namespace ds::cpu

#endif // DS_CPU_ELEMENTWISE_H
