//===- MoeAttrs.td - moe dialect attributes ----------------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEATTRS_TD
#define DS_DIALECTS_MOE_MOEATTRS_TD

include "dialects/moe/MoeBase.td"

class Moe_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Moe_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// An f64 parameter printed and parsed as a float literal (`2.5`); held as
// an APFloat (IEEE double) so that it hashes and compares bitwise.
class Moe_DoubleParameter<string desc, string default = "">
    : AttrOrTypeParameter<"::llvm::APFloat", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::llvm::APFloat> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::llvm::APFloat(value);
  }() }];
  let printer = [{ $_printer.printFloat($_self) }];
  let comparator = "$_lhs.bitwiseIsEqual($_rhs)";
  let defaultValue = !if(!empty(default), "",
                         "::llvm::APFloat(" # default # ")");
}

// An enum parameter that may be omitted when it has its default value.
class Moe_DefaultEnumParameter<EnumInfo info, string default>
    : EnumParameter<info> {
  let defaultValue = default;
}

// A `bool` parameter spelled `true` / `false`.
class Moe_BoolParameter<string desc, string default>
    : AttrOrTypeParameter<"bool", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<bool> {
    if (succeeded($_parser.parseOptionalKeyword("true")))
      return true;
    if (succeeded($_parser.parseOptionalKeyword("false")))
      return false;
    return $_parser.emitError($_parser.getCurrentLocation(),
                              "expected 'true' or 'false'");
  }() }];
  let printer = [{ $_printer << ($_self ? "true" : "false") }];
  let defaultValue = default;
}

//===----------------------------------------------------------------------===//
// WindowAttr
//===----------------------------------------------------------------------===//

def Moe_WindowAttr : Moe_Attr<"Window", "window"> {
  let summary = "Which keys a query may attend to, beyond causality";
  let description = [{
    The key window of a causal attention layer. With query position `q` and
    key position `k` (both absolute, `k <= q`):

    | spelling | a key is visible when | used by |
    |---|---|---|
    | `#moe.window<global>` | always (plain causal) | most layers |
    | `#moe.window<sliding W>` | `q - W < k`: each query sees exactly `W` keys including itself (the Hugging Face eager mask) | Mistral, Mixtral with `sliding_window`, Qwen2 sliding layers |
    | `#moe.window<chunked C>` | `k / C == q / C`: keys in the same chunk of `C` positions | Llama-4 `attention_chunk_size` |
    | `#moe.window<local_global W, sinks G>` | `q - W < k` or `k < G`: a sliding window plus the first `G` tokens, which every query sees (attention sinks / global prefix) | StreamingLLM-style long context |
    | `#moe.window<adaptive W, threshold L>` | over `S` keys: always when `S <= L` (global), else `q - W < k` (sliding `W`) | `moe-attention-window{policy=adaptive=W:L}` |
    | `#moe.window<adaptive W, threshold L, sinks G>` | as above, with `S > L` `q - W < k` or `k < G` (local_global `W`, `G`) | `moe-attention-window{policy=adaptive=W:L:G}` |

    `W`, `C`, `L` and the `G` of local_global are at least 1; an adaptive
    window's `G` is at least 0 (`sinks 0` is no sinks and prints so). The
    choice of an adaptive window's regime is `ds::Window::resolve` (one
    function, used by the CPU reference and, per launch variant, by the
    kernels: kernel-select-configs splits the token buckets at `L`).
  }];
  let parameters = (ins
    EnumParameter<Moe_WindowKind>:$kind,
    DefaultValuedParameter<"int64_t", "0", "window or chunk size">:$size,
    DefaultValuedParameter<"int64_t", "0", "number of sink tokens">:$sinks,
    DefaultValuedParameter<"int64_t", "0",
                           "keys up to which an adaptive window is global">:$threshold
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Returns true when the window masks nothing beyond causality.
    bool isGlobal() const { return getKind() == WindowKind::global; }
  }];
}

//===----------------------------------------------------------------------===//
// YarnAttr
//===----------------------------------------------------------------------===//

def Moe_YarnAttr : Moe_Attr<"Yarn", "yarn"> {
  let summary = "YaRN rotary-embedding scaling parameters";
  let description = [{
    The `rope_scaling` of type `yarn` (Hugging Face
    `_compute_yarn_parameters`). With rotary dimension `d`, base `θ` and
    `L0 = original_max_position_embeddings`:

    ```
    corr(r)   = d·ln(L0 / (r·2π)) / (2·ln θ)
    low       = max(floor(corr(beta_fast)), 0);  high = min(ceil(corr(beta_slow)), d-1)
                (without truncation: the unrounded values)
    ramp_i    = clamp((i - low) / (high - low), 0, 1),  i ∈ [0, d/2)
    inv_freq_i = ramp_i / (factor·θ^(2i/d)) + (1 - ramp_i) / θ^(2i/d)
    mscale(s, m) = 1 if s <= 1 else 0.1·m·ln(s) + 1
    attention_factor = mscale(factor, mscale) / mscale(factor, mscale_all_dim)
                       if mscale and mscale_all_dim are both set (non-zero),
                       else mscale(factor, 1)
    ```

    `cos` and `sin` are multiplied by `attention_factor`; an explicit
    `attention_factor` (non-zero) overrides the derived one. The MLA softmax
    scale factor `mscale(factor, mscale_all_dim)²` is not part of RoPE: it is
    folded into the `scale` of `moe.attention`.

    ```mlir
    #moe.yarn<factor = 40.0, original_max_position_embeddings = 4096,
              beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0,
              mscale_all_dim = 1.0>
    ```
  }];
  let parameters = (ins
    Moe_DoubleParameter<"scaling factor (>= 1)">:$factor,
    "int64_t":$original_max_position_embeddings,
    Moe_DoubleParameter<"fast rotation boundary", "32.0">:$beta_fast,
    Moe_DoubleParameter<"slow rotation boundary", "1.0">:$beta_slow,
    Moe_DoubleParameter<"mscale (0: unset)", "0.0">:$mscale,
    Moe_DoubleParameter<"mscale_all_dim (0: unset)", "0.0">:$mscale_all_dim,
    Moe_DoubleParameter<"explicit attention factor (0: derive)", "0.0">
        :$attention_factor,
    Moe_BoolParameter<"round the correction range to integers", "true">
        :$truncate
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// RouterAttr
//===----------------------------------------------------------------------===//

def Moe_RouterAttr : Moe_Attr<"Router", "router"> {
  let summary = "Expert-selection configuration of a MoE router";
  let description = [{
    Mirrors the Hugging Face config fields of the router. With `E` experts
    and `G = n_group`:

    - `scoring`: `softmax` (fp32 softmax over the `E` logits) or `sigmoid`.
    - `selection`:
      - `greedy`: top-`top_k` of the scores;
      - `group_limited` (DeepSeek-V2 `group_limited_greedy`): group score =
        max score in the group; keep the best `topk_group` groups; top-k over
        the kept experts;
      - `noaux_tc` (DeepSeek-V3): selection scores are `scores + bias`
        (the correction bias operand); group score = sum of the two largest
        selection scores of the group; keep `topk_group` groups; top-k over
        the kept experts. Weights are the *unbiased* scores of the chosen
        experts.
    - `group_fill`: what dropped groups' experts score before the final
      top-k: `neg_inf` (DeepSeek reference) or `zero` (Hugging Face
      `masked_fill(..., 0.0)`); the two differ only when a kept score is
      negative.
    - `norm_topk_prob`: renormalize the chosen weights to sum 1
      (`w / (Σw + 1e-20)`).
    - `routed_scaling_factor`: multiply the weights (after normalization).

    ```mlir
    #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 8,
                n_group = 8, topk_group = 4, norm_topk_prob = true,
                routed_scaling_factor = 2.5>
    ```
  }];
  let parameters = (ins
    EnumParameter<Moe_Scoring>:$scoring,
    EnumParameter<Moe_Selection>:$selection,
    "int64_t":$top_k,
    DefaultValuedParameter<"int64_t", "1", "number of expert groups">
        :$n_group,
    DefaultValuedParameter<"int64_t", "1", "number of groups kept">
        :$topk_group,
    Moe_BoolParameter<"renormalize the top-k weights", "false">
        :$norm_topk_prob,
    Moe_DoubleParameter<"weight multiplier", "1.0">:$routed_scaling_factor,
    Moe_DefaultEnumParameter<Moe_GroupFill, "::ds::moe::GroupFill::neg_inf">
        :$group_fill
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// QuantAttr
//===----------------------------------------------------------------------===//

def Moe_QuantAttr : Moe_Attr<"Quant", "quant"> {
  let summary = "Block-scaled quantized weight format";
  let description = [{
    A quantized weight `Wq` of shape `[..., N, K]` comes with a scale tensor
    of shape `[..., ceil(N / block[0]), ceil(K / block[1])]`; the real weight
    is `W[n, k] = decode(Wq[n, k]) · scale[n / block[0], k / block[1]]`
    (symmetric, no zero point; the scale is multiplied, as DeepSeek's
    `weight_scale_inv`).

    | scheme | weight element | usual block | source |
    |---|---|---|---|
    | `fp8_e4m3` | `f8E4M3FN` | `[128, 128]` | DeepSeek-V3 checkpoints |
    | `int8` | `i8` | `[1, 128]` (group-128 along K) | weight-only int8 |
    | `int4` | `i4` | `[1, 128]` | weight-only int4 (AWQ/GPTQ-style groups) |

    ```mlir
    #moe.quant<fp8_e4m3, block = [128, 128]>
    ```
  }];
  let parameters = (ins
    EnumParameter<Moe_QuantScheme>:$scheme,
    ArrayRefParameter<"int64_t", "block shape [rows, cols]">:$block
  );
  let assemblyFormat = "`<` $scheme `,` `block` `=` `[` $block `]` `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The element type a weight of this scheme must have.
    ::mlir::Type getStorageType(::mlir::MLIRContext *ctx) const;
  }];
}

#endif // DS_DIALECTS_MOE_MOEATTRS_TD
