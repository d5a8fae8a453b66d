//===- KernelOps.td - kernel dialect operations ------------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELOPS_TD
#define DS_DIALECTS_KERNEL_KERNELOPS_TD

include "dialects/kernel/KernelAttrs.td"
include "dialects/kernel/KernelInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ViewLikeInterface.td"

class Kernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kernel_Dialect, mnemonic, traits>;

def Kernel_ConfigArrayAttr
    : TypedArrayAttrBase<Kernel_ConfigAttr, "array of #kernel.config">;

// A launch op: `ins(…)` and `outs(…)` operand groups in the operand order of
// ds/module.h, the op's own attributes, an optional `config` per shape
// bucket, no results. The op's named accessors (`getA()`, `getScales()`,
// ...) pick its operands out of the groups; an absent optional is null.
class Kernel_LaunchOp<string mnemonic, dag attrs, list<Trait> traits = []>
    : Kernel_Op<mnemonic, !listconcat([AttrSizedOperandSegments,
                                       Kernel_LaunchOpInterface], traits)> {
  let arguments = !con(
      (ins Arg<Variadic<AnyMemRef>, "the buffers read", [MemRead]>:$ins,
           Arg<Variadic<AnyMemRef>, "the buffers written", [MemWrite]>:$outs),
      attrs,
      (ins OptionalAttr<Kernel_ConfigArrayAttr>:$config));
  let assemblyFormat = [{
    (`ins` `(` $ins^ `:` type($ins) `)`)? `outs` `(` $outs `:` type($outs) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

def Kernel_BufferOp : Kernel_Op<"buffer"> {
  let summary = "A slot of the arena";
  let description = [{
    A buffer of the function's arena. A buffer with a dynamic (leading) dim
    declares its token scale: `tokens(4)` makes `memref<?x64xbf16>` a
    `[4·T, 64]` buffer. A static buffer takes no `tokens`. After
    `kernel-plan-buffers` it carries `offset = array<i64: per_token_bytes,
    fixed_bytes>`: its byte offset in the arena is
    `per_token_bytes · T + fixed_bytes`.

    ```mlir
    %rows = kernel.buffer tokens(8) : memref<?x7168xbf16>
    %offsets = kernel.buffer : memref<257xi32>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$tokens,
                       OptionalAttr<DenseI64ArrayAttr>:$offset);
  let results = (outs Res<AnyMemRef, "the new buffer", [MemAlloc]>:$result);
  let assemblyFormat = [{
    (`tokens` `(` $tokens^ `)`)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Kernel_WeightOp : Kernel_Op<"weight", [
    Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Reads a parameter as a buffer";
  let description = [{
    The bytes of the `moe.parameter` named by `parameter`, as a static memref
    of the parameter's shape and element type.

    ```mlir
    %w = kernel.weight @q_proj : memref<4096x4096xbf16>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$parameter);
  let results = (outs AnyMemRef:$result);
  let assemblyFormat = "$parameter attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Kernel_ViewOp : Kernel_Op<"view", [
    Pure, DeclareOpInterfaceMethods<ViewLikeOpInterface>]> {
  let summary = "The bytes of a buffer under another contiguous shape";
  let description = [{
    An alias of `source`: the result's elements are the source's, in order,
    starting `offset` elements into it. The result's token scale follows from
    the element counts: a dynamic result of a source with scale `s` and `S`
    elements per row has `s·S / R` rows per token (`R` elements per row of
    the result; it must be a whole number). The view must fit its source for
    every `T`: its per-token element count is at most the source's, and its
    fixed element count plus `offset` at most the source's. Both have the
    same element type.

    ```mlir
    %q3 = kernel.view %q [0] : memref<?x4096xbf16> to memref<?x32x128xbf16>
    ```
  }];
  let arguments = (ins AnyMemRef:$source, I64Attr:$offset);
  let results = (outs AnyMemRef:$result);
  let assemblyFormat = [{
    $source `[` $offset `]` attr-dict `:` type($source) `to` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Kernel_GemmOp : Kernel_LaunchOp<"gemm",
    (ins OptionalAttr<Moe_QuantAttr>:$quant, Kernel_EpilogueAttr:$epilogue)> {
  let summary = "`c = a·wᵀ (+ bias)`: one GEMM with its epilogue";
  let description = [{
    `moe.linear` on buffers. ins: `a [M, K]` (`M` static or `m·T`),
    `w [N, K]`, `scales` (when `quant`: `[ceil(N / block[0]),
    ceil(K / block[1])]`), `bias [N]` (when `epilogue.bias`); outs:
    `c [M, N]` with `a`'s element type, or `c [M, N/2]` with
    `epilogue.swiglu`. The weight formats are those of `moe.linear`.

    ```mlir
    kernel.gemm ins(%a, %w : memref<?x64xbf16>, memref<128x64xbf16>)
                outs(%c : memref<?x128xbf16>)
                {epilogue = #kernel.epilogue<bias = false>}
    ```
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getA() { return getIns()[0]; }
    ::mlir::Value getW() { return getIns()[1]; }
    ::mlir::Value getScales() { return getQuant() ? getIns()[2] : nullptr; }
    ::mlir::Value getBias() {
      return getEpilogue().getBias() ? getIns().back() : nullptr;
    }
    ::mlir::Value getC() { return getOuts()[0]; }
  }];
}

def Kernel_GroupedGemmOp : Kernel_LaunchOp<"grouped_gemm",
    (ins OptionalAttr<Moe_QuantAttr>:$quant,
         OptionalAttr<Kernel_EpilogueAttr>:$epilogue)> {
  let summary = "Per-expert GEMMs over expert-grouped rows";
  let description = [{
    `moe.grouped_matmul` on buffers. ins: `rows [R, K]`, `w [E, N, K]`,
    `offsets [E + 1]` (`i32`), `scales` (when `quant`); outs: `c [R, N]`,
    or `c [R, N/2]` with `epilogue.swiglu` (no `bias`).

    ```mlir
    kernel.grouped_gemm
        ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x96x64xbf16>, memref<9xi32>)
        outs(%c : memref<?x96xbf16>)
    kernel.grouped_gemm
        ins(%rows, %w, %offs : memref<?x64xbf16>, memref<8x192x64xbf16>, memref<9xi32>)
        outs(%c : memref<?x96xbf16>) {epilogue = #kernel.epilogue<swiglu = true>}
    ```
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getRows() { return getIns()[0]; }
    ::mlir::Value getW() { return getIns()[1]; }
    ::mlir::Value getOffsets() { return getIns()[2]; }
    ::mlir::Value getScales() { return getQuant() ? getIns()[3] : nullptr; }
    ::mlir::Value getC() { return getOuts()[0]; }
    bool isSwiGLU() { return getEpilogue() && getEpilogue()->getSwiglu(); }
  }];
}

//===----------------------------------------------------------------------===//
// Attention, norms, rope
//===----------------------------------------------------------------------===//

def Kernel_AttentionOp : Kernel_LaunchOp<"attention",
    (ins F64Attr:$scale, Moe_WindowAttr:$window, UnitAttr:$block_sparse)> {
  let summary = "Causal multi-head attention";
  let description = [{
    `moe.attention` on buffers. ins: `q [T, H, dq]`, `k [T, Hkv, dk]`,
    `v [T, Hkv, dv]`, `shared_key [T, dr]` (optional: four ins); outs:
    `o [T, H, dv]`. `block_sparse` (from `moe.attention`) makes the kernel
    visit only the KV tiles holding a visible key (a compile-time flag of
    the kernel); without it every tile up to the causal end is visited and
    the window is masked per element. The numbers are the same.

    ```mlir
    kernel.attention ins(%q, %k, %v : memref<?x4x16xbf16>, memref<?x2x16xbf16>, memref<?x2x16xbf16>)
                     outs(%o : memref<?x4x16xbf16>)
                     {scale = 2.5e-01 : f64, window = #moe.window<global>}
    ```
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getQ() { return getIns()[0]; }
    ::mlir::Value getK() { return getIns()[1]; }
    ::mlir::Value getV() { return getIns()[2]; }
    ::mlir::Value getSharedKey() {
      return getIns().size() > 3 ? getIns()[3] : nullptr;
    }
    ::mlir::Value getO() { return getOuts()[0]; }
  }];
}

def Kernel_NormOp : Kernel_LaunchOp<"norm", (ins F64Attr:$eps), [
    DeclareOpInterfaceMethods<Kernel_InPlaceOpInterface>]> {
  let summary = "RMS normalization, optionally after a residual add";
  let description = [{
    `moe.rms_norm` (ins `x`, `weight [D]`; outs `y`) or `moe.add_rms_norm`
    (ins `x`, `residual`, `weight`; outs `y`, `sum = x + residual`,
    `y = rms_norm(sum)`). `sum` may share `residual`'s storage.

    ```mlir
    kernel.norm ins(%x, %res, %w : memref<?x64xbf16>, memref<?x64xbf16>, memref<64xbf16>)
                outs(%y, %sum : memref<?x64xbf16>, memref<?x64xbf16>)
                {eps = 1.0e-06 : f64}
    ```
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getX() { return getIns()[0]; }
    ::mlir::Value getResidual() {
      return getIns().size() > 2 ? getIns()[1] : nullptr;
    }
    ::mlir::Value getWeight() { return getIns().back(); }
    ::mlir::Value getY() { return getOuts()[0]; }
    ::mlir::Value getSum() {
      return getOuts().size() > 1 ? getOuts()[1] : nullptr;
    }
  }];
}

def Kernel_RopeOp : Kernel_LaunchOp<"rope",
    (ins Moe_RopeStyle:$style, F64Attr:$theta,
         OptionalAttr<Moe_YarnAttr>:$scaling), [
    DeclareOpInterfaceMethods<Kernel_InPlaceOpInterface>]> {
  let summary = "Rotary position embedding";
  let description = [{
    `moe.rope` on buffers. ins: `x [T, heads, d]`, `positions [T]`; outs:
    `y` (`x`'s type, may share `x`'s storage).

    ```mlir
    kernel.rope half_split ins(%x, %pos : memref<?x4x16xbf16>, memref<?xi32>)
                outs(%y : memref<?x4x16xbf16>) {theta = 1.0e+04 : f64}
    ```
  }];
  let assemblyFormat = [{
    $style `ins` `(` $ins `:` type($ins) `)` `outs` `(` $outs `:` type($outs)
    `)` attr-dict
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getX() { return getIns()[0]; }
    ::mlir::Value getPositions() { return getIns()[1]; }
    ::mlir::Value getY() { return getOuts()[0]; }
  }];
}

//===----------------------------------------------------------------------===//
// Mixture of experts
//===----------------------------------------------------------------------===//

def Kernel_RouterOp : Kernel_LaunchOp<"router",
    (ins Moe_RouterAttr:$routing)> {
  let summary = "Expert scores and top-k selection";
  let description = [{
    `moe.router` on buffers. ins: `x [T, H]`, `gate [E, H]`, `bias [E]`
    (optional: three ins; required by `noaux_tc`); outs: `weights [T, K]`,
    `indices [T, K]` (`i32`).
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getX() { return getIns()[0]; }
    ::mlir::Value getGate() { return getIns()[1]; }
    ::mlir::Value getBias() {
      return getIns().size() > 2 ? getIns()[2] : nullptr;
    }
    ::mlir::Value getWeights() { return getOuts()[0]; }
    ::mlir::Value getIndices() { return getOuts()[1]; }
  }];
}

def Kernel_DispatchOp : Kernel_LaunchOp<"dispatch", (ins)> {
  let summary = "Groups token copies by expert";
  let description = [{
    `moe.dispatch` on buffers. ins: `x [T, H]`, `indices [T, K]`; outs:
    `rows [K·T, H]`, `perm [K·T]` (`i32`), `offsets [E + 1]` (`i32`; its
    size gives the number of experts `E`).
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getX() { return getIns()[0]; }
    ::mlir::Value getIndices() { return getIns()[1]; }
    ::mlir::Value getRows() { return getOuts()[0]; }
    ::mlir::Value getPerm() { return getOuts()[1]; }
    ::mlir::Value getOffsets() { return getOuts()[2]; }
    /// E, from the size of `offsets`.
    int64_t getNumExperts();
  }];
}

def Kernel_CombineOp : Kernel_LaunchOp<"combine", (ins)> {
  let summary = "Weighted scatter-add of expert rows back to tokens";
  let description = [{
    `moe.combine` on buffers. ins: `rows [K·T, H]`, `perm [K·T]`,
    `weights [T, K]`; outs: `y [T, H]`.
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getRows() { return getIns()[0]; }
    ::mlir::Value getPerm() { return getIns()[1]; }
    ::mlir::Value getWeights() { return getIns()[2]; }
    ::mlir::Value getY() { return getOuts()[0]; }
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise, embedding, data movement
//===----------------------------------------------------------------------===//

def Kernel_ElementwiseOp : Kernel_LaunchOp<"elementwise",
    (ins Kernel_ElementwiseFn:$fn), [
    DeclareOpInterfaceMethods<Kernel_InPlaceOpInterface>]> {
  let summary = "One elementwise function over buffers of one shape";
  let description = [{
    `y = fn(ins…)`, elementwise, computed in fp32 and rounded to `y`'s
    element type:

    | `fn` | ins | source |
    |---|---|---|
    | `add` `sub` `mul` `div` `maximum` `minimum` | `a`, `b` (`y`'s type) | `arith.addf` … `arith.minimumf` |
    | `neg` | `a` (`y`'s type) | `arith.negf` |
    | `cast` | `a` (`y`'s shape, any float type) | `arith.extf`, `arith.truncf` |
    | `swiglu` | `gate`, `up` (`y`'s type) | `moe.swiglu` |
    | `sigmoid_gate` | `a [T, H]` (`y`'s type), `logit [T, 1]` | `moe.sigmoid_gate` |

    `y` may share the storage of an in of the same size in bytes.

    ```mlir
    kernel.elementwise add ins(%a, %b : memref<?x64xbf16>, memref<?x64xbf16>)
                           outs(%y : memref<?x64xbf16>)
    ```
  }];
  let assemblyFormat = [{
    $fn (`ins` `(` $ins^ `:` type($ins) `)`)? `outs` `(` $outs `:`
    type($outs) `)` attr-dict
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getY() { return getOuts()[0]; }
  }];
}

def Kernel_EmbeddingOp : Kernel_LaunchOp<"embedding", (ins)> {
  let summary = "Token embedding lookup";
  let description = [{
    `moe.embedding` on buffers. ins: `table [V, H]`, `ids [T]` (`i32` or
    `i64`); outs: `y [T, H]`.
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getTable() { return getIns()[0]; }
    ::mlir::Value getIds() { return getIns()[1]; }
    ::mlir::Value getY() { return getOuts()[0]; }
  }];
}

def Kernel_CopyOp : Kernel_LaunchOp<"copy",
    (ins DenseI64ArrayAttr:$src_offsets, DenseI64ArrayAttr:$src_strides,
         DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$dst_offsets)> {
  let summary = "Copies a box of one buffer into a box of another";
  let description = [{
    `dst[dst_offsets + i] = src[src_offsets + i · src_strides]` for every
    index `i` of the box `sizes`. `src` and `dst` have the same rank and
    element type; offsets and strides are static. A size `?`
    (`ShapedType::kDynamic`) spans a whole dynamic dim: both operands' dims
    are then dynamic with the same token scale, and its offsets are 0 and its
    stride 1. The box fits both operands.

    ```mlir
    kernel.copy ins(%q : memref<?x4x24xbf16>) outs(%qn : memref<?x4x16xbf16>)
        src_offsets = [0, 0, 8] src_strides = [1, 1, 1] sizes = [?, 4, 16]
        dst_offsets = [0, 0, 0]
    ```
  }];
  let assemblyFormat = [{
    `ins` `(` $ins `:` type($ins) `)` `outs` `(` $outs `:` type($outs) `)`
    `src_offsets` `=` $src_offsets `src_strides` `=` $src_strides
    `sizes` `=` custom<BoxSizes>($sizes) `dst_offsets` `=` $dst_offsets
    attr-dict
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getSrc() { return getIns()[0]; }
    ::mlir::Value getDst() { return getOuts()[0]; }
  }];
}

def Kernel_FillOp : Kernel_LaunchOp<"fill", (ins F64Attr:$value)> {
  let summary = "Sets every element of a buffer";
  let description = [{
    `dst[i] = value` (rounded to `dst`'s element type) for every `i`. No ins.

    ```mlir
    kernel.fill outs(%z : memref<?x64xf32>) {value = 0.0 : f64}
    ```
  }];
  let extraClassDeclaration = [{
    ::mlir::Value getDst() { return getOuts()[0]; }
  }];
}

#endif // DS_DIALECTS_KERNEL_KERNELOPS_TD
