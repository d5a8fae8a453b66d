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

/// The checkpoint dtype that stores elements of `type`, if any.
std::optional<DType> dtypeOf(mlir::Type type);

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

  /// Number of checkpoint tensors read so far.
  size_t tensorsRead() const { return numRead; }

private:
  mlir::FailureOr<cpu::Tensor> read(moe::ParameterOp param,
                                    mlir::Operation *user);

  mlir::ModuleOp module;
  const Checkpoint &checkpoint;
  std::map<std::string, std::shared_ptr<const cpu::Tensor>, std::less<>> cache;
  size_t numRead = 0;
};

/// Runs `func` on `args` (one per argument, matching its types). On failure
/// an error has been emitted at the failing op.
mlir::FailureOr<std::vector<cpu::Tensor>>
evaluate(mlir::func::FuncOp func, llvm::ArrayRef<cpu::Tensor> args,
         WeightStore &weights);

} // namespace ds::interp

#endif // DS_INTERP_INTERPRETER_H
