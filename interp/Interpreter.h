//===- Interpreter.h - evaluate moe modules on the CPU ----------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Evaluates a function of a `moe` module op by op with the CPU reference
// library (runtime/cpu): the ground truth that passes and GPU kernels are
// checked against. The interpreter is a dispatcher: each op's operands and
// attributes are resolved and handed to one runtime/cpu call. Parameters are
// bound from a checkpoint with the runtime's weight binding (ds/binding.h)
// and decoded on use: a decoded parameter lives as long as a value holding
// it. Every value is checked against its static type after each op, and
// charged against a memory budget (ds/memory.h) before the run (a peak
// estimate from the static types) and as it is allocated.
//
//===----------------------------------------------------------------------===//

#ifndef DS_INTERP_INTERPRETER_H
#define DS_INTERP_INTERPRETER_H

#include "dialects/moe/MoeStorageTypes.h"
#include "ds/binding.h"
#include "ds/cpu/tensor.h"
#include "ds/memory.h"
#include "ds/routing_profile.h"
#include "ds/safetensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ds::interp {

using moe::dtypeOf;

/// Whether a tensor of `dtype` and `shape` is a value of `type` (dynamic
/// dims match any size).
bool matchesType(mlir::RankedTensorType type, DType dtype,
                 llvm::ArrayRef<int64_t> shape);

/// The entry signature of `func` for the input binding: one input per
/// argument, named by moe::portName (`moe.name`, else `arg<i>`), with the
/// token limits of `module` (moe::tokenLimits). Fails on an
/// argument that is not a ranked tensor of a checkpoint dtype.
llvm::Expected<EntrySignature> entrySignature(mlir::func::FuncOp func,
                                              mlir::ModuleOp module);

/// Parameters of one module, decoded from a checkpoint on use. A decoded
/// parameter is shared while a value holds it and dropped after its last
/// use; a later moe.load decodes it again.
class WeightStore {
public:
  WeightStore(const ParameterTable &table, const Checkpoint &checkpoint)
      : table(table), checkpoint(checkpoint) {}

  /// The tensor of parameter `name` (shared, never copied), or an error
  /// naming the parameter and the checkpoint tensor.
  Expected<std::shared_ptr<const cpu::Tensor>> get(llvm::StringRef name);

  const ParameterTable &parameters() const { return table; }

private:
  const ParameterTable &table;
  const Checkpoint &checkpoint;
  std::map<std::string, std::weak_ptr<const cpu::Tensor>, std::less<>> live;
};

/// The peak memory `func` needs for `tokens` tokens, estimated from the
/// static types by following the values' lifetimes: arguments, results as
/// they are computed, decoded parameters from their moe.load to their last
/// use. Dynamic dims are taken as `tokens`, and as `tokens * k` for the rows
/// of a moe.dispatch (k routed experts per token) up to the moe.combine.
struct MemoryEstimate {
  int64_t peak = 0;
  int64_t parameters = 0; ///< every parameter decoded (not all live at once)
  mlir::Operation *peakOp = nullptr; ///< where the peak is reached
};
mlir::FailureOr<MemoryEstimate>
estimatePeakMemory(mlir::func::FuncOp func, llvm::ArrayRef<cpu::Tensor> args,
                   int64_t tokens, const ParameterTable &parameters);

/// Runs `func` on `args` (one per argument, matching its types; a mismatch is
/// an error naming the argument). The estimated peak and every value are
/// charged against `budget`. With `routing`, the run's moe.router ops, in
/// program order, record their selections there (one run). On failure an
/// error has been emitted at the failing op.
mlir::FailureOr<std::vector<cpu::Tensor>>
evaluate(mlir::func::FuncOp func, llvm::ArrayRef<cpu::Tensor> args,
         WeightStore &weights, MemoryBudget &budget,
         RoutingProfile *routing = nullptr);

} // namespace ds::interp

#endif // DS_INTERP_INTERPRETER_H
