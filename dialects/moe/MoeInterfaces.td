//===- MoeInterfaces.td - moe op interfaces ----------------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEINTERFACES_TD
#define DS_DIALECTS_MOE_MOEINTERFACES_TD

include "mlir/IR/OpBase.td"

def Moe_DecomposableOpInterface : OpInterface<"DecomposableOpInterface"> {
  let cppNamespace = "::ds::moe";
  let description = [{
    A composite op that carries its decomposition into simpler `moe`, `arith`
    and `tensor` ops with the same numbers (design §4: a pass writer can
    always reach the simple form). `moe.add_rms_norm` decomposes into
    `arith.addf` + `moe.rms_norm`; `moe.experts` into `moe.dispatch` +
    `moe.grouped_matmul` + `moe.swiglu` + `moe.combine`.
  }];
  let methods = [
    InterfaceMethod<[{
        Replaces this op with its decomposition, built with `rewriter` at the
        op's position, and erases it. Fails, changing nothing, when the op
        cannot be decomposed.
      }],
      "::llvm::LogicalResult", "decompose",
      (ins "::mlir::RewriterBase &":$rewriter)>
  ];
}

#endif // DS_DIALECTS_MOE_MOEINTERFACES_TD
