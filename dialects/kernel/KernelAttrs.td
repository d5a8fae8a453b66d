//===- KernelAttrs.td - kernel dialect attributes ----------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_KERNEL_KERNELATTRS_TD
#define DS_DIALECTS_KERNEL_KERNELATTRS_TD

include "dialects/kernel/KernelBase.td"
include "dialects/moe/MoeAttrs.td"

class Kernel_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Kernel_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// ConfigAttr
//===----------------------------------------------------------------------===//

def Kernel_ConfigAttr : Kernel_Attr<"Config", "config"> {
  let summary = "The tile configuration of a launch for one shape bucket";
  let description = [{
    The configuration a launch uses when the token count `T` is at most
    `max_tokens` (`0`: unbounded, the last bucket): a kernel-family
    `variant` name, the CTA `tile` (M, N, K for GEMMs; query × key block for
    attention; rows for row-wise ops), the pipeline `stages`, the `warps`
    per CTA and the `cluster` shape (docs/compile-path.md §2).

    ```mlir
    #kernel.config<max_tokens = 64, variant = "wgmma", tile = [64, 128, 64],
                   stages = 4, warps = 4, cluster = [1, 1]>
    ```

    `max_tokens >= 0`, every `tile` and `cluster` entry `>= 1`,
    `stages >= 1`, `warps >= 1`.
  }];
  let parameters = (ins
    "int64_t":$max_tokens,
    StringRefParameter<"kernel-family variant">:$variant,
    ArrayRefParameter<"int64_t", "CTA tile">:$tile,
    "int64_t":$stages,
    "int64_t":$warps,
    ArrayRefParameter<"int64_t", "cluster shape">:$cluster
  );
  let assemblyFormat = [{
    `<` `max_tokens` `=` $max_tokens `,` `variant` `=` $variant `,`
    `tile` `=` `[` $tile `]` `,` `stages` `=` $stages `,` `warps` `=` $warps
    `,` `cluster` `=` `[` $cluster `]` `>`
  }];
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// EpilogueAttr
//===----------------------------------------------------------------------===//

/// The `split` of an epilogue: `[N0, N1, ...]`, empty (and not printed)
/// when the GEMM has one out buffer.
def Kernel_SplitParameter
    : OptionalArrayRefParameter<"int64_t", "rows of each out buffer"> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::SmallVector<int64_t>> {
    ::llvm::SmallVector<int64_t> rows;
    if ($_parser.parseCommaSeparatedList(
            ::mlir::AsmParser::Delimiter::Square,
            [&] { return $_parser.parseInteger(rows.emplace_back()); }))
      return ::mlir::failure();
    return rows;
  }() }];
  let printer = [{
    $_printer << '[';
    ::llvm::interleaveComma($_self, $_printer);
    $_printer << ']';
  }];
}

def Kernel_EpilogueAttr : Kernel_Attr<"Epilogue", "epilogue"> {
  let summary = "What a GEMM runs on its accumulator before the store";
  let description = [{
    The epilogue of a `kernel.gemm` or `kernel.grouped_gemm`: `bias` adds
    the `bias` operand `[N]` to every row (`kernel.gemm` only); `swiglu`
    reads the weight's rows as gate rows `[0, N/2)` then up rows
    `[N/2, N)`, rounds both products to the out buffer's element type and
    writes their SwiGLU, `c [M, N/2]` (`moe.linear {swiglu}`). `split`
    (`moe.linear {split}`, `kernel.gemm` only, not with `swiglu`) gives the
    weight's rows of each of several out buffers: column `n` of the
    product goes to the buffer of the segment holding `n`, at column `n`
    minus the segment's start, with that buffer's row stride. The output
    cast is the out buffer's element type. Each field is a named parameter
    with a default, so `#kernel.epilogue<>` is the empty epilogue and older
    IR keeps parsing.

    ```mlir
    #kernel.epilogue<bias = true>
    #kernel.epilogue<swiglu = true>
    #kernel.epilogue<bias = true, split = [64, 16, 16]>
    ```
  }];
  let parameters = (ins
    Moe_BoolParameter<"add the bias operand", "false">:$bias,
    Moe_BoolParameter<"SwiGLU of the gate and up halves", "false">:$swiglu,
    Kernel_SplitParameter:$split
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

//===----------------------------------------------------------------------===//
// PlanAttr
//===----------------------------------------------------------------------===//

def Kernel_PlanAttr : Kernel_Attr<"Plan", "plan"> {
  let summary = "The summary of a function's buffer plan";
  let description = [{
    Set on a function by `kernel-plan-buffers` (as `kernel.plan`): the
    token count the arena was sized for, its size in bytes at that count
    (`peak_bytes`) and the sum of all arena buffers at that count
    (`naive_bytes`, what the function would take without reuse).

    ```mlir
    #kernel.plan<max_tokens = 4096, peak_bytes = 1048576, naive_bytes = 4194304>
    ```

    `max_tokens >= 1`, `0 <= peak_bytes <= naive_bytes`.
  }];
  let parameters = (ins
    "int64_t":$max_tokens,
    "int64_t":$peak_bytes,
    "int64_t":$naive_bytes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // DS_DIALECTS_KERNEL_KERNELATTRS_TD
