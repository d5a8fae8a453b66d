//===- ElementwiseTemplate.cpp - kernel.elementwise -> elementwise.cuh ----===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// codegen/cuda/elementwise.cuh: grid-stride loops over n = a·T + b
// elements; each block of `warps`·32 threads covers 4 elements per thread
// and pass, so the grid is ceil(n / (4·threads)) blocks.
//
//===----------------------------------------------------------------------===//

#include "codegen/KernelTemplates.h"

using namespace ds::codegen;

static const char *fnName(ds::ElementwiseFn fn) {
  switch (fn) {
  case ds::ElementwiseFn::Add:
    return "ds::Fn::Add";
  case ds::ElementwiseFn::Sub:
    return "ds::Fn::Sub";
  case ds::ElementwiseFn::Mul:
    return "ds::Fn::Mul";
  case ds::ElementwiseFn::Div:
    return "ds::Fn::Div";
  case ds::ElementwiseFn::Maximum:
    return "ds::Fn::Maximum";
  case ds::ElementwiseFn::Minimum:
    return "ds::Fn::Minimum";
  case ds::ElementwiseFn::Neg:
    return "ds::Fn::Neg";
  default:
    return "ds::Fn::Cast";
  }
}

llvm::Expected<GeneratedKernel>
ds::codegen::emitElementwise(KernelEntry &k, const ds::KernelConfig &config) {
  const ds::Launch &launch = k.launch();
  ds::ElementwiseFn fn = std::get<ds::ElementwiseAttrs>(launch.attrs).fn;
  int threads = threadsOf(config);
  size_t y = launch.operands.size();
  const ds::Dims &dims = k.buffer(y).dims;
  KernelEntry::Extent n = KernelEntry::extent(dims);
  const char *header = "codegen/cuda/elementwise.cuh";
  const char *kind = "elementwise";
  switch (fn) {
  case ds::ElementwiseFn::Swiglu:
    k.call(header, "ds::swigluKernel", {k.type(k.buffer(y).dtype)},
           {k.pointer(0), k.pointer(1), k.pointer(y),
            k.count(n.perToken, n.fixed)});
    kind = "swiglu";
    break;
  case ds::ElementwiseFn::SigmoidGate: {
    if (dims.empty())
      return unsupported(launch, "sigmoid_gate of a scalar");
    KernelEntry::Extent rows = KernelEntry::extent(dims, 0, dims.size() - 1);
    k.call(header, "ds::sigmoidGateKernel", {k.type(k.buffer(y).dtype)},
           {k.pointer(0), k.pointer(1), k.pointer(y),
            k.count(rows.perToken, rows.fixed), k.i64(dims.back().size)});
    kind = "sigmoid_gate";
    break;
  }
  default: {
    bool unary = ds::elementwiseArity(fn) == 1;
    k.call(header, "ds::arithKernel",
           {k.text(fnName(fn)), k.type(k.buffer(y).dtype),
            k.type(k.buffer(0).dtype)},
           {k.pointer(0), unary ? k.pointer(0) : k.pointer(1), k.pointer(y),
            k.count(n.perToken, n.fixed)});
    break;
  }
  }
  int64_t perBlock = 4 * int64_t(threads);
  return k.finish(
      std::string(kind) + "_" + KernelEntry::typeTag(k.buffer(y).dtype),
      threads,
      {gridDim(n.perToken, n.fixed, perBlock), gridDim(0, 1), gridDim(0, 1)});
}
