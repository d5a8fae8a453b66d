//===- KernelInterfaces.td - kernel op interfaces ----------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELINTERFACES_TD
#define DS_DIALECTS_KERNEL_KERNELINTERFACES_TD

include "mlir/IR/OpBase.td"

def Kernel_LaunchOpInterface : OpInterface<"LaunchOpInterface"> {
  let cppNamespace = "::ds::kernel";
  let description = [{
    A launch op: one GPU launch that reads its `ins` and writes its `outs`
    (the operand order of `ds/module.h`: ins then outs), has no results and
    may carry the tile configurations of its shape buckets (`config`, an
    array of `#kernel.config` ordered by strictly increasing `max_tokens`,
    the last with `max_tokens = 0`). Its verifier checks every operand's
    memref type (identity layout, at most one dynamic dim and that one
    leading, within ds's size ceilings) and the configs.
  }];
  let methods = [
    InterfaceMethod<"The operands the launch reads.",
      "::mlir::OperandRange", "getIns">,
    InterfaceMethod<"The operands the launch writes.",
      "::mlir::OperandRange", "getOuts">,
    InterfaceMethod<[{
        The tile configurations, one per shape bucket; null until
        `kernel-select-configs`.
      }],
      "::mlir::ArrayAttr", "getConfigAttr">,
  ];
  let verify = [{ return ::ds::kernel::detail::verifyLaunchOp($_op); }];
}

def Kernel_InPlaceOpInterface : OpInterface<"InPlaceOpInterface"> {
  let cppNamespace = "::ds::kernel";
  let description = [{
    A launch op whose outs may share storage with some of its ins when the
    in dies at the op: the buffer planner may give such a pair one slot.
    `kernel.elementwise` (its out with any in of the same size in bytes),
    `kernel.rope` (`y` with `x`) and `kernel.norm` (`sum` with `residual`).
  }];
  let methods = [
    InterfaceMethod<[{
        The pairs (index into `getOuts()`, index into `getIns()`) of outs
        that may share storage with an in.
      }],
      "::llvm::SmallVector<std::pair<unsigned, unsigned>>",
      "getInPlacePairs">,
  ];
}

#endif // DS_DIALECTS_KERNEL_KERNELINTERFACES_TD
