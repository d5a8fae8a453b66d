//===- MoeBase.td - moe dialect definition and enums -------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEBASE_TD
#define DS_DIALECTS_MOE_MOEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Moe_Dialect : Dialect {
  let name = "moe";
  let cppNamespace = "::ds::moe";
  let summary = "Tensor-level operations of Mixture-of-Experts transformers";
  let description = [{
    The `moe` dialect describes a decoder-only Mixture-of-Experts transformer
    (DeepSeek-V3/V2, DeepSeekMoE, Mixtral, Qwen-MoE, OLMoE) at the level of the
    Hugging Face reference implementation. Values are builtin ranked tensors;
    the token dimension is dynamic (`?`) and every other dimension is static.
    The semantics of every op are those of the Hugging Face `transformers`
    reference, written out in each op's description.

    Weights are module-level symbols (`moe.parameter`) keyed by their
    checkpoint tensor names and read with `moe.load`. Elementwise math and
    reshapes use the upstream `arith`, `math` and `tensor` dialects.

    The start of a Mixtral MoE block, for example, reads:

    ```mlir
    %n = moe.rms_norm %x, %w_in eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
    %wts, %ids = moe.router %n, %gate
        config(<scoring = softmax, selection = greedy, top_k = 2,
                norm_topk_prob = true>)
        : tensor<?x64xf32>, tensor<4x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    ```

    See `examples/` for complete DeepSeek-V3 and Mixtral decoder layers.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();

    // The discardable attributes the ds tools write and read, named once.

    /// `moe.name` (string) on an argument or result of the forward function:
    /// the name of the input or output (`input_ids`, `positions`, `logits`).
    static constexpr ::llvm::StringLiteral getNameAttrName() {
      return ::llvm::StringLiteral("moe.name");
    }
    /// `moe.config` (dictionary) on the module: the imported config's key
    /// facts.
    static constexpr ::llvm::StringLiteral getConfigAttrName() {
      return ::llvm::StringLiteral("moe.config");
    }
    /// `moe.max_tokens` (i64) on the module: the token bound ds-import was
    /// given.
    static constexpr ::llvm::StringLiteral getMaxTokensAttrName() {
      return ::llvm::StringLiteral("moe.max_tokens");
    }
  }];
  let hasCanonicalizer = 0;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Moe_RopeStyle : I32EnumAttr<"RopeStyle", "rotary embedding pair layout", [
    I32EnumAttrCase<"half_split", 0>,
    I32EnumAttrCase<"interleaved", 1>]> {
  let cppNamespace = "::ds::moe";
}

def Moe_WindowKind : I32EnumAttr<"WindowKind", "attention window kind", [
    I32EnumAttrCase<"global", 0>,
    I32EnumAttrCase<"sliding", 1>,
    I32EnumAttrCase<"chunked", 2>,
    I32EnumAttrCase<"local_global", 3>,
    I32EnumAttrCase<"adaptive", 4>]> {
  let cppNamespace = "::ds::moe";
  let genSpecializedAttr = 0;
}

def Moe_Scoring : I32EnumAttr<"Scoring", "router scoring function", [
    I32EnumAttrCase<"softmax", 0>,
    I32EnumAttrCase<"sigmoid", 1>]> {
  let cppNamespace = "::ds::moe";
  let genSpecializedAttr = 0;
}

def Moe_Selection : I32EnumAttr<"Selection", "router expert selection", [
    I32EnumAttrCase<"greedy", 0>,
    I32EnumAttrCase<"group_limited", 1>,
    I32EnumAttrCase<"noaux_tc", 2>]> {
  let cppNamespace = "::ds::moe";
  let genSpecializedAttr = 0;
}

def Moe_GroupFill : I32EnumAttr<"GroupFill",
    "score given to experts of dropped groups", [
    I32EnumAttrCase<"neg_inf", 0>,
    I32EnumAttrCase<"zero", 1>]> {
  let cppNamespace = "::ds::moe";
  let genSpecializedAttr = 0;
}

def Moe_QuantScheme : I32EnumAttr<"QuantScheme", "quantized weight scheme", [
    I32EnumAttrCase<"fp8_e4m3", 0>,
    I32EnumAttrCase<"int8", 1>,
    I32EnumAttrCase<"int4", 2>]> {
  let cppNamespace = "::ds::moe";
  let genSpecializedAttr = 0;
}

#endif // DS_DIALECTS_MOE_MOEBASE_TD
