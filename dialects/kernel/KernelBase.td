//===- KernelBase.td - kernel dialect definition and enums -*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELBASE_TD
#define DS_DIALECTS_KERNEL_KERNELBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let cppNamespace = "::ds::kernel";
  let summary = "One op per GPU launch over planned buffers";
  let description = [{
    The `kernel` dialect is the level below `moe` (docs/compile-path.md §1):
    every launch op is one GPU launch (one call of a reference op on the CPU
    backend) reading its `ins(…)` and writing its `outs(…)`, builtin memrefs
    with the identity layout. A memref has at most one dynamic dim, the
    leading one, and every dynamic size is a multiple of the entry's token
    count `T`: entry arguments have scale 1, `kernel.buffer tokens(m)`
    declares `m`, and a `kernel.view` derives its scale from the element
    counts. The sizes of every buffer are thus `a·T + b`, which the buffer
    plan, the module and the runtime evaluate from `T` alone.

    The operand order of each launch op is the one of `ds/module.h` (ins
    then outs; absent optional operands are left out and the op's attributes
    say which are present). Parameters stay `moe.parameter` symbols, read
    with `kernel.weight`.

    ```mlir
    %w = kernel.weight @embed : memref<128x64xbf16>
    %x = kernel.buffer tokens(1) : memref<?x64xbf16>
    kernel.embedding ins(%w, %ids : memref<128x64xbf16>, memref<?xi32>)
                     outs(%x : memref<?x64xbf16>)
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();

    // The discardable attributes of kernel IR, named once.

    /// `kernel.target` (string) on the module: the GPU target the kernels
    /// are compiled for (`sm_90a`).
    static constexpr ::llvm::StringLiteral getTargetAttrName() {
      return ::llvm::StringLiteral("kernel.target");
    }
    /// `kernel.plan` (`#kernel.plan`) on a function: the buffer plan's
    /// summary, set by `kernel-plan-buffers`.
    static constexpr ::llvm::StringLiteral getPlanAttrName() {
      return ::llvm::StringLiteral("kernel.plan");
    }
  }];
  let dependentDialects = ["::ds::moe::MoeDialect"];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Kernel_ElementwiseFn : I32EnumAttr<"ElementwiseFn",
    "the function of a kernel.elementwise launch", [
    I32EnumAttrCase<"add", 0>,
    I32EnumAttrCase<"sub", 1>,
    I32EnumAttrCase<"mul", 2>,
    I32EnumAttrCase<"div", 3>,
    I32EnumAttrCase<"maximum", 4>,
    I32EnumAttrCase<"minimum", 5>,
    I32EnumAttrCase<"neg", 6>,
    I32EnumAttrCase<"cast", 7>,
    I32EnumAttrCase<"swiglu", 8>,
    I32EnumAttrCase<"sigmoid_gate", 9>]> {
  let cppNamespace = "::ds::kernel";
}

#endif // DS_DIALECTS_KERNEL_KERNELBASE_TD
