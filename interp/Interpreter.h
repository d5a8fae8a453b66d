//===- Interpreter.h - evaluate moe modules on the CPU ----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Evaluates a function of a `moe` module op by op with the CPU reference
// library (runtime/cpu): the ground truth that passes and GPU kernels are
// checked against. Parameters are bound from a safetensors checkpoint by
// their `key` (stacked `*` keys gather one tensor per slice); every value is
// checked against its static type after each op.
//
//===----------------------------------------------------------------------===//

#ifndef DS_INTERP_INTERPRETER_H
#define DS_INTERP_INTERPRETER_H

#include "dialects/moe/MoeStorageTypes.h"
#include "ds/cpu/tensor.h"
#include "ds/safetensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ds::moe {
class ParameterOp;
} // namespace ds::moe

namespace ds::interp {

using moe::dtypeOf;

/// Whether a tensor of `dtype` and `shape` is a value of `type` (dynamic
/// dims match any size).
bool matchesType(mlir::RankedTensorType type, DType dtype,
                 llvm::ArrayRef<int64_t> shape);

/// Parameters of one module, read from a checkpoint on first use and cached.
class WeightStore {
public:
  WeightStore(mlir::ModuleOp module, const Checkpoint &checkpoint)
      : module(module), checkpoint(checkpoint) {}

  /// The tensor of parameter `name` (shared, never copied); on failure emits
  /// an error at `user` naming the parameter and the checkpoint tensor, and
  /// returns null.
  std::shared_ptr<const cpu::Tensor> get(llvm::StringRef name,
                                         mlir::Operation *user);

private:
  mlir::FailureOr<cpu::Tensor> read(moe::ParameterOp param,
                                    mlir::Operation *user);

  mlir::ModuleOp module;
  const Checkpoint &checkpoint;
  std::map<std::string, std::shared_ptr<const cpu::Tensor>, std::less<>> cache;
};

/// Runs `func` on `args` (one per argument, matching its types; a mismatch is
/// an error naming the argument). On failure an error has been emitted at
/// the failing op.
mlir::FailureOr<std::vector<cpu::Tensor>>
evaluate(mlir::func::FuncOp func, llvm::ArrayRef<cpu::Tensor> args,
         WeightStore &weights);

} // namespace ds::interp

#endif // DS_INTERP_INTERPRETER_H
