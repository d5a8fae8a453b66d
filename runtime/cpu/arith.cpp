//===- arith.cpp - elementwise arith of the CPU reference -----------------===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#include "ds/cpu/elementwise.h"

#include "detail.h"

#include <algorithm>
#include <cmath>

namespace ds::cpu {

using namespace detail;

const char *binaryFnName(BinaryFn fn) {
  switch (fn) {
  case BinaryFn::Add:
    return "arith.addf";
  case BinaryFn::Sub:
    return "arith.subf";
  case BinaryFn::Mul:
    return "arith.mulf";
  case BinaryFn::Div:
    return "arith.divf";
  case BinaryFn::Maximum:
    return "arith.maximumf";
  case BinaryFn::Minimum:
    return "arith.minimumf";
  }
  return "arith binary op";
}

const char *unaryFnName(UnaryFn fn) {
  switch (fn) {
  case UnaryFn::Neg:
    return "arith.negf";
  case UnaryFn::Cast:
    return "arith float cast";
  }
  return "arith unary op";
}

namespace {

float apply(BinaryFn fn, float a, float b) {
  switch (fn) {
  case BinaryFn::Add:
    return a + b;
  case BinaryFn::Sub:
    return a - b;
  case BinaryFn::Mul:
    return a * b;
  case BinaryFn::Div:
    return a / b;
  case BinaryFn::Maximum:
    return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
  case BinaryFn::Minimum:
    return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
  }
  return NAN;
}

} // namespace

Expected<Tensor> binary(BinaryFn fn, const Tensor &a, const Tensor &b,
                        DType out) {
  const char *op = binaryFnName(fn);
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "lhs", a); !s.ok())
    return s;
  if (Status s = checkFloat(op, "rhs", b); !s.ok())
    return s;
  if (a.shape() != b.shape())
    return operandError(op, "rhs",
                        cat("must have the lhs shape ",
                            shapeToString(a.shape()), ", got ",
                            b.typeString()));
  std::vector<float> values(a.f().size());
  for (size_t j = 0; j < values.size(); ++j)
    values[j] = apply(fn, a.f()[j], b.f()[j]);
  return Tensor::floats(out, a.shape(), std::move(values));
}

Expected<Tensor> unary(UnaryFn fn, const Tensor &a, DType out) {
  const char *op = unaryFnName(fn);
  if (Status s = checkOutType(op, out); !s.ok())
    return s;
  if (Status s = checkFloat(op, "operand", a); !s.ok())
    return s;
  std::vector<float> values(a.f());
  if (fn == UnaryFn::Neg)
    for (float &x : values)
      x = -x;
  return Tensor::floats(out, a.shape(), std::move(values));
}

} // namespace ds::cpu
