//===- EvalContext.h - state of one evaluation ------------------*- C++ -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Internal to interp/: the values computed so far and the per-dialect
// evaluation entry points.
//
//===----------------------------------------------------------------------===//

#ifndef DS_INTERP_EVALCONTEXT_H
#define DS_INTERP_EVALCONTEXT_H

#include "interp/Interpreter.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace ds::interp {

/// A runtime value: a tensor (shared, so parameters are never copied), or a
/// scalar.
struct RtValue {
  std::shared_ptr<const cpu::Tensor> tensor;
  std::optional<int64_t> index; // index and integer scalars
  std::optional<double> real;   // float scalars
};

class EvalContext {
public:
  EvalContext(WeightStore &weights, MemoryBudget &budget)
      : weights(weights), budget(budget) {}

  /// The tensor bound to `v`; emits at `user` and returns null when `v` has
  /// no tensor (a bug in the evaluator, never in the input).
  const cpu::Tensor *tensor(mlir::Value v, mlir::Operation *user);
  /// The index scalar bound to `v`.
  std::optional<int64_t> index(mlir::Value v, mlir::Operation *user);

  /// Binds `v` after checking `t` against v's static type; a tensor not yet
  /// held by another value is charged against the memory budget.
  mlir::LogicalResult bind(mlir::Value v, cpu::Tensor t, mlir::Operation *op);
  mlir::LogicalResult bind(mlir::Value v, std::shared_ptr<const cpu::Tensor> t,
                           mlir::Operation *op);
  void bindIndex(mlir::Value v, int64_t i) { values[v].index = i; }
  /// The float scalar bound to `v`.
  std::optional<double> real(mlir::Value v, mlir::Operation *user);
  void bindReal(mlir::Value v, double x) { values[v].real = x; }

  /// Binds `v` to the result of a runtime call, or emits its error at `op`.
  mlir::LogicalResult bind(mlir::Value v, Expected<cpu::Tensor> t,
                           mlir::Operation *op);

  /// Fails with an error at `op` naming the bytes when a result of `dtype`
  /// and `shape` would not fit the memory budget (nothing is charged): the
  /// check before an allocation whose size comes from the input.
  mlir::LogicalResult checkAllocation(mlir::Operation *op, DType dtype,
                                      const cpu::Shape &shape);

  /// Drops the value of `v` (its last use has run); a tensor no other value
  /// holds is returned to the memory budget.
  void release(mlir::Value v);

  WeightStore &weights;
  MemoryBudget &budget;
  /// Where moe.router ops record their selections; null: nowhere.
  RoutingProfile *routing = nullptr;

private:
  llvm::DenseMap<mlir::Value, RtValue> values;
  /// How many values hold each tensor.
  llvm::DenseMap<const cpu::Tensor *, unsigned> holders;
};

/// The element dtype of tensor value `v` (its static type).
DType elementDType(mlir::Value v);

/// Evaluate one op of each dialect. `handled` is set to false for an op the
/// evaluator does not know (the caller reports it).
mlir::LogicalResult evalMoeOp(mlir::Operation *op, EvalContext &ctx,
                              bool &handled);
mlir::LogicalResult evalTensorOp(mlir::Operation *op, EvalContext &ctx,
                                 bool &handled);
mlir::LogicalResult evalArithOp(mlir::Operation *op, EvalContext &ctx,
                                bool &handled);

/// Emits `status`'s message as an error at `op` when it failed.
mlir::LogicalResult check(const Status &status, mlir::Operation *op);
template <typename T>
mlir::FailureOr<T> check(Expected<T> value, mlir::Operation *op) {
  if (!value) {
    op->emitError() << value.message();
    return mlir::failure();
  }
  return std::move(value).value();
}

} // namespace ds::interp

#endif // DS_INTERP_EVALCONTEXT_H
