//===- MoeOps.td - moe dialect operations ------------------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
//===----------------------------------------------------------------------===//

#ifndef DS_DIALECTS_MOE_MOEOPS_TD
#define DS_DIALECTS_MOE_MOEOPS_TD

include "dialects/moe/MoeAttrs.td"
include "dialects/moe/MoeInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

// Every tensor an op takes or returns has each dimension within ds's ceiling
// and at most ds's ceiling of elements (runtime/include/ds/limits.h), so that
// size arithmetic in verifiers, passes and backends cannot overflow.
def Moe_BoundedTensorTypes : NativeOpTrait<"BoundedTensorTypes"> {
  let cppNamespace = "::ds::moe::OpTrait";
}

class Moe_Op<string mnemonic, list<Trait> traits = []>
    : Op<Moe_Dialect, mnemonic, !listconcat([Moe_BoundedTensorTypes], traits)>;

// Activations: any float element type (bf16, f16, f32, ...).
def Moe_FloatTensor : RankedTensorOf<[AnyFloat]>;
// Weights: dense floats or the storage types of quantized formats.
def Moe_WeightTensor : RankedTensorOf<[AnyFloat, I8, I<4>]>;
def Moe_IndexTensor : RankedTensorOf<[I32]>;
def Moe_PositionTensor : RankedTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

def Moe_ParameterOp : Moe_Op<"parameter", [
    Symbol, HasParent<"::mlir::ModuleOp">]> {
  let summary = "A model weight, bound from the checkpoint at load time";
  let description = [{
    Declares a weight tensor of the model as a module-level symbol. `key` is
    the tensor's name in the checkpoint (safetensors). A key containing one
    `*` names a *stacked* parameter: the leading dimension `D0` of the type
    enumerates `D0` checkpoint tensors, `*` replaced by `0 … D0-1`, each of
    the trailing shape (per-expert weights stacked into `[E, N, K]`). A
    parameter without a key is produced by a pass (for example a weight
    rewritten at load time) and is filled by the module's initializer.

    `slices` (increasing indices, one per entry of `D0`) reads only those
    entries of the checkpoint data's leading dimension: for a stacked key
    the tensors with `*` replaced by `slices[0]`, `slices[1]`, ...; for a
    plain key those rows of its one tensor, which has more. It is how
    `moe-prune-experts` keeps the experts it keeps without loading the
    others.

    `concat_keys` with `concat_rows` makes the parameter the concatenation of
    several checkpoint tensors, done once at load time (`moe-fuse-gate-up`
    joins the gate and up projections this way): part 0 is `key`, part `i`
    is `concat_keys[i - 1]`, and `concat_rows[i]` is part `i`'s extent along
    the first dimension of its checkpoint tensors. They are joined along that
    dimension: dimension 0 of a plain parameter, dimension 1 of a stacked one
    (each entry of the stack concatenates its parts' entries). Every part has
    the same `*`-ness as `key`; a stacked parameter's `slices` select the same
    entries of every part. The rows add up to the joined dimension.

    The element type is the stored dtype (`bf16`, `f8E4M3FN`, `f32`, ...);
    the shape is fully static.

    ```mlir
    moe.parameter @embed : tensor<129280x7168xbf16> {key = "model.embed_tokens.weight"}
    moe.parameter @l3_gate : tensor<256x2048x7168xf8E4M3FN>
        {key = "model.layers.3.mlp.experts.*.gate_proj.weight"}
    moe.parameter @l3_kept : tensor<2x2048x7168xf8E4M3FN>
        {key = "model.layers.3.mlp.experts.*.gate_proj.weight",
         slices = array<i64: 5, 17>}
    moe.parameter @l0_gate_up : tensor<36864x7168xbf16>
        {key = "model.layers.0.mlp.gate_proj.weight",
         concat_keys = ["model.layers.0.mlp.up_proj.weight"],
         concat_rows = array<i64: 18432, 18432>}
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    TypeAttrOf<AnyRankedTensor>:$type,
    OptionalAttr<StrAttr>:$key,
    OptionalAttr<DenseI64ArrayAttr>:$slices,
    OptionalAttr<StrArrayAttr>:$concat_keys,
    OptionalAttr<DenseI64ArrayAttr>:$concat_rows
  );
  let assemblyFormat = "$sym_name `:` $type attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::RankedTensorType getTensorType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType());
    }
    /// True when the key names one tensor per slice of the leading dim.
    bool isStacked() { return getKey() && getKey()->contains('*'); }
    /// The dimension `concat_rows` splits: 0, or 1 for a stacked parameter.
    int64_t getConcatDim() { return isStacked() ? 1 : 0; }
  }];
}

def Moe_LoadOp : Moe_Op<"load", [
    Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Reads a parameter";
  let description = [{
    Yields the value of the `moe.parameter` named by `parameter`; the result
    type is the parameter's type.

    ```mlir
    %w = moe.load @embed : tensor<129280x7168xbf16>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$parameter);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$parameter attr-dict `:` type($result)";
}

//===----------------------------------------------------------------------===//
// Embedding and normalization
//===----------------------------------------------------------------------===//

def Moe_EmbeddingOp : Moe_Op<"embedding", [Pure]> {
  let summary = "Token embedding lookup";
  let description = [{
    `result[t, :] = table[ids[t], :]` (`nn.Embedding`), decoded from the
    table's element type and cast to the result's. `table` is `[V, H]`,
    `ids` is `[T]` (`i32` or `i64`), the result is `[T, H]`. Ids outside
    `[0, V)` are a run-time error of the executing backend.

    ```mlir
    %h = moe.embedding %table[%ids]
        : tensor<256x64xbf16>, tensor<?xi32> -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$table, Moe_PositionTensor:$ids);
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $table `[` $ids `]` attr-dict `:` type($table) `,` type($ids) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Moe_RMSNormOp : Moe_Op<"rms_norm", [
    Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "RMS normalization over the last dimension";
  let description = [{
    Hugging Face `RMSNorm` with its cast order: normalize in fp32, cast back
    to the input dtype, then multiply by the weight:

    ```
    y = weight ⊙ cast<input dtype>( x_f32 · rsqrt(mean(x_f32², -1) + eps) )
    ```

    `weight` is `[D]` for an input `[..., D]` of any rank ≥ 1 (the per-head
    q/k norms of Qwen3-MoE normalize `[T, heads, D]`).

    ```mlir
    %y = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$input, Moe_FloatTensor:$weight,
                       F64Attr:$eps);
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `eps` `(` $eps `)` attr-dict `:` type($input) `,`
    type($weight)
  }];
  let hasVerifier = 1;
}

def Moe_AddRMSNormOp : Moe_Op<"add_rms_norm", [
    Pure, AllTypesMatch<["input", "residual", "sum", "result"]>,
    DeclareOpInterfaceMethods<Moe_DecomposableOpInterface>]> {
  let summary = "Residual add followed by RMS normalization";
  let description = [{
    The pre-norm residual step of a decoder layer, fused:

    ```
    sum    = input + residual
    result = rms_norm(sum, weight, eps)
    ```

    Both values are returned: `sum` is the next residual stream. It
    decomposes into `arith.addf` and `moe.rms_norm`.

    ```mlir
    %sum, %y = moe.add_rms_norm %attn, %x, %w eps(1.0e-06)
        : tensor<?x64xbf16>, tensor<64xbf16>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$input, Moe_FloatTensor:$residual,
                       Moe_FloatTensor:$weight, F64Attr:$eps);
  let results = (outs Moe_FloatTensor:$sum, Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $residual `,` $weight `eps` `(` $eps `)` attr-dict `:`
    type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Moe_LinearOp : Moe_Op<"linear", [Pure, AttrSizedOperandSegments]> {
  let summary = "Dense or quantized linear layer `y = x·Wᵀ + b`";
  let description = [{
    `nn.Linear`: `input` is `[..., K]`, `weight` is `[N, K]` (stored
    `[out, in]`), the result is `[..., N]` with the input's element type.
    Accumulation is at least fp32.

    Weight formats:
    - dense `bf16`, `f16` or `f32`: no `scales`, no `quant`;
    - quantized (`f8E4M3FN`, `i8`, `i4` storage): a `quant` attribute
      (`#moe.quant`) and a `scales` operand of shape
      `[ceil(N / block[0]), ceil(K / block[1])]`, dequantized as described
      there (DeepSeek-V3 FP8 uses block `[128, 128]` with
      `weight_scale_inv` as the scales).

    `bias`, when present, is `[N]`.

    With `swiglu` the op is a whole gated projection (`moe-fuse-gate-up`):
    `weight` `[2·I, K]` is the gate projection's rows `[0, I)` followed by
    the up projection's rows `[I, 2·I)`, there is no `bias`, and the result
    `[..., I]` is `swiglu(x·W[0, I)ᵀ, x·W[I, 2·I)ᵀ)` with both products
    rounded to the result's element type first, exactly as the unfused
    `moe.linear` pair and `moe.swiglu` compute it. A quantized weight's
    `I` is a multiple of `block[0]`, so no scale block holds both halves.

    With `split = array<i64: N0, N1, ...>` (two or more positive sizes
    summing to `N`; `moe-fuse-qkv`) the op is several projections of one
    input: `weight` `[N, K]` (and `bias` `[N]`) hold the segments' rows one
    after another, and the op has one result per segment, result `i` being
    `[..., Ni]`, bit for bit what a `moe.linear` over rows
    `[N0 + … + N(i-1), … + Ni)` computes (every output element is
    accumulated on its own, in increasing k, so the join changes no
    rounding). A quantized weight's segments, all but the last, are
    multiples of `block[0]` rows, so no scale block holds two segments.
    `split` and `swiglu` do not combine. Without `split` the op has one
    result.

    ```mlir
    %y = moe.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
    %q = moe.linear %x, %wq scales(%s : tensor<12x56xf32>)
        {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
        : tensor<?x7168xbf16>, tensor<1536x7168xf8E4M3FN> -> tensor<?x1536xbf16>
    %h = moe.linear %x, %wgu {swiglu}
        : tensor<?x64xbf16>, tensor<192x64xbf16> -> tensor<?x96xbf16>
    %q, %k, %v = moe.linear %x, %wqkv {split = array<i64: 64, 16, 16>}
        : tensor<?x64xbf16>, tensor<96x64xbf16>
        -> tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>
    ```
  }];
  let arguments = (ins
    Moe_FloatTensor:$input,
    Moe_WeightTensor:$weight,
    Optional<Moe_FloatTensor>:$scales,
    Optional<Moe_FloatTensor>:$bias,
    OptionalAttr<Moe_QuantAttr>:$quant,
    UnitAttr:$swiglu,
    OptionalAttr<DenseI64ArrayAttr>:$split
  );
  let results = (outs Variadic<Moe_FloatTensor>:$results);
  let assemblyFormat = [{
    $input `,` $weight
    (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($input) `,` type($weight) `->` type($results)
  }];
  let extraClassDeclaration = [{
    /// The rows of each result: `split`, or the weight's N.
    ::llvm::SmallVector<int64_t> getSegmentRows();
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Moe_SwiGLUOp : Moe_Op<"swiglu", [
    Pure, Elementwise, SameOperandsAndResultType]> {
  let summary = "SwiGLU activation `silu(gate) ⊙ up`";
  let description = [{
    The gated activation of every expert and dense MLP of the supported
    families: `result = gate · σ(gate) ⊙ up`, elementwise, computed in fp32
    and rounded to the element type. A SwiGLU MLP is
    `down(swiglu(gate(x), up(x)))`.

    ```mlir
    %h = moe.swiglu %g, %u : tensor<?x96xbf16>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$gate, Moe_FloatTensor:$up);
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($result)";
}

def Moe_SigmoidGateOp : Moe_Op<"sigmoid_gate", [
    Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Scales each token by the sigmoid of a per-token logit";
  let description = [{
    `result[t, :] = input[t, :] · σ(logit[t, 0])`, computed in fp32 and
    rounded to the input's element type. `input` is `[T, H]`, `logit`
    `[T, 1]`. Qwen2-MoE gates its shared expert this way:
    `σ(x · shared_expert_gateᵀ) · shared_expert(x)`.

    ```mlir
    %g = moe.linear %x, %wg : tensor<?x64xbf16>, tensor<1x64xbf16> -> tensor<?x1xbf16>
    %y = moe.sigmoid_gate %shared, %g : tensor<?x64xbf16>, tensor<?x1xbf16>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$input, Moe_FloatTensor:$logit);
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $logit attr-dict `:` type($input) `,` type($logit)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def Moe_RopeOp : Moe_Op<"rope", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Rotary position embedding";
  let description = [{
    Rotates every head of `input` (`[T, heads, d]`, `d` even) by the angles
    `positions[t] · inv_freq_i`, `inv_freq_i = theta^(-2i/d)` for
    `i ∈ [0, d/2)` (YaRN-adjusted when `scaling` is present, whose
    attention factor multiplies `cos` and `sin`). `positions` is `[T]`.

    - `half_split` (GPT-NeoX `rotate_half`; Mixtral, Qwen, OLMoE,
      DeepSeekMoE): `y_i = x_i·cos − x_{i+d/2}·sin`,
      `y_{i+d/2} = x_{i+d/2}·cos + x_i·sin`;
    - `interleaved` (DeepSeek-V2/V3 MLA; complex pairs):
      `y_{2i} = x_{2i}·cos_i − x_{2i+1}·sin_i`,
      `y_{2i+1} = x_{2i}·sin_i + x_{2i+1}·cos_i`.

    ```mlir
    %q = moe.rope half_split %x, %pos theta(1.0e+06)
        : tensor<?x32x128xbf16>, tensor<?xi32>
    %k = moe.rope interleaved %kpe, %pos theta(1.0e+04)
        scaling(<factor = 40.0, original_max_position_embeddings = 4096,
                 mscale = 1.0, mscale_all_dim = 1.0>)
        : tensor<?x1x64xbf16>, tensor<?xi32>
    ```
  }];
  let arguments = (ins
    Moe_FloatTensor:$input,
    Moe_PositionTensor:$positions,
    Moe_RopeStyle:$style,
    F64Attr:$theta,
    OptionalAttr<Moe_YarnAttr>:$scaling
  );
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $style $input `,` $positions `theta` `(` $theta `)`
    (`scaling` `(` $scaling^ `)`)?
    attr-dict `:` type($input) `,` type($positions)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Moe_AttentionOp : Moe_Op<"attention", [Pure]> {
  let summary = "Causal multi-head attention (MHA, GQA, MQA, MLA)";
  let description = [{
    Hugging Face eager attention for a decoder:

    ```
    P = softmax_fp32(Q·Kᵀ·scale + mask),  O = P·V        (per head)
    ```

    - `query` `[T, nh, dqk]`, `key` `[S, nkv, dk]`, `value` `[S, nkv, dv]`;
      `nh % nkv == 0` and kv head `j` serves query heads `j·g … j·g+g−1`
      with `g = nh / nkv` (GQA; MQA is `nkv = 1`); `dv` may differ from
      `dqk` (MLA: 192 vs 128).
    - `shared_key` (optional, `[S, dr]`): key columns shared by every head
      and appended to each head's key (the decoupled RoPE key `k_pe` of
      multi-head latent attention), so `dqk = dk + dr`. Without it,
      `dqk = dk`.
    - Causality: query `t` sits at absolute position `S − T + t` and sees
      keys `0 … S − T + t` (prefill `S = T`; keys beyond the queries are a
      KV cache), so `T ≤ S`. `window` restricts the visible keys further (see
      `#moe.window`).
    - `scale` multiplies the logits (default `dqk^-0.5` in the frontends;
      MLA with YaRN folds in `mscale(factor, mscale_all_dim)²`).
    - The result is `[T, nh, dv]` with the query's element type.
    - `block_sparse` (set by `moe-attention-block-sparsity`) is the kernel's
      tile schedule, not a change of the numbers: the attention kernel visits
      only the KV tiles that hold a key some query of its CTA sees. Without
      it the kernel visits every KV tile up to the causal end of its queries
      and applies the window per element, as a dense masked kernel does. Both
      give the same bits; the CPU reference ignores it.

    ```mlir
    %o = moe.attention %q, %k, %v scale(0.125) window(<sliding 4096>) block_sparse
        : tensor<?x32x128xbf16>, tensor<?x8x128xbf16>, tensor<?x8x128xbf16>
        -> tensor<?x32x128xbf16>
    ```
  }];
  let arguments = (ins
    Moe_FloatTensor:$query,
    Moe_FloatTensor:$key,
    Moe_FloatTensor:$value,
    Optional<Moe_FloatTensor>:$shared_key,
    F64Attr:$scale,
    Moe_WindowAttr:$window,
    UnitAttr:$block_sparse
  );
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`shared_key` `(` $shared_key^ `:` type($shared_key) `)`)?
    `scale` `(` $scale `)` `window` `(` $window `)`
    (`block_sparse` $block_sparse^)? attr-dict `:` type($query) `,` type($key) `,` type($value) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Mixture of experts
//===----------------------------------------------------------------------===//

def Moe_RouterOp : Moe_Op<"router", [Pure]> {
  let summary = "Scores experts and selects the top-k per token";
  let description = [{
    Computes `logits = x_f32 · gate_f32ᵀ` (`input` `[T, H]`, `gate`
    `[E, H]`), scores them (`softmax` or `sigmoid`, fp32) and selects
    `top_k` experts per token as `config` (`#moe.router`) describes.
    `correction_bias` (`[E]`, required by `noaux_tc`, optional for the other
    selections as in DeepSeek's `Gate`) shifts the scores used for selection
    only. Results: `weights` `[T, top_k]` (after optional
    renormalization and `routed_scaling_factor`) and `indices` `[T, top_k]`
    (`i32`, in descending order of selection score).

    ```mlir
    %w, %ids = moe.router %x, %gate bias(%b : tensor<256xf32>)
        config(<scoring = sigmoid, selection = noaux_tc, top_k = 8,
                n_group = 8, topk_group = 4, norm_topk_prob = true,
                routed_scaling_factor = 2.5>)
        : tensor<?x7168xbf16>, tensor<256x7168xbf16>
        -> tensor<?x8xf32>, tensor<?x8xi32>
    ```
  }];
  let arguments = (ins
    Moe_FloatTensor:$input,
    Moe_FloatTensor:$gate,
    Optional<Moe_FloatTensor>:$correction_bias,
    Moe_RouterAttr:$config
  );
  let results = (outs Moe_FloatTensor:$weights, Moe_IndexTensor:$indices);
  let assemblyFormat = [{
    $input `,` $gate (`bias` `(` $correction_bias^ `:`
    type($correction_bias) `)`)? `config` `(` $config `)` attr-dict `:`
    type($input) `,` type($gate) `->` type($weights) `,` type($indices)
  }];
  let hasVerifier = 1;
}

def Moe_ExpertsOp : Moe_Op<"experts", [
    Pure, DeclareOpInterfaceMethods<Moe_DecomposableOpInterface>]> {
  let summary = "Routed SwiGLU experts with dense semantics";
  let description = [{
    The routed half of a MoE block:

    ```
    result[t] = Σ_k weights[t, k] · down_e( swiglu(gate_e(x[t]), up_e(x[t]) )
                with e = indices[t, k]
    ```

    `input` `[T, H]`, `weights` `[T, K]`, `indices` `[T, K]` (`i32`,
    `0 ≤ e < E`), `gate`/`up` `[E, I, H]`, `down` `[E, H, I]`; the result
    has the input's type. Accumulation over `k` is in fp32. Quantized
    expert weights take a `quant` attribute and three `scales`
    (gate, up, down), each `[E, ceil(rows / block[0]), ceil(cols / block[1])]`.

    Only the chosen experts need computing: `moe-dispatch-experts` rewrites
    this op into `moe.dispatch` + `moe.grouped_matmul` + `moe.swiglu` +
    `moe.combine`.

    ```mlir
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd
        : (tensor<?x64xbf16>, tensor<?x2xf32>, tensor<?x2xi32>,
           tensor<8x96x64xbf16>, tensor<8x96x64xbf16>, tensor<8x64x96xbf16>)
        -> tensor<?x64xbf16>
    ```
  }];
  let arguments = (ins
    Moe_FloatTensor:$input,
    Moe_FloatTensor:$weights,
    Moe_IndexTensor:$indices,
    Moe_WeightTensor:$gate,
    Moe_WeightTensor:$up,
    Moe_WeightTensor:$down,
    Variadic<Moe_FloatTensor>:$scales,
    OptionalAttr<Moe_QuantAttr>:$quant
  );
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weights `,` $indices `,` $gate `,` $up `,` $down
    (`scales` `(` $scales^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Moe_DispatchOp : Moe_Op<"dispatch", [Pure]> {
  let summary = "Groups token copies by expert";
  let description = [{
    For `input` `[T, H]` and `indices` `[T, K]`, lays out the `T·K`
    (token, slot) pairs sorted by expert, stably (ties keep `t·K + k`
    order):

    - `permuted` `[T·K, H]`: row `r` is `input[perm[r] / K]`;
    - `perm` `[T·K]` (`i32`): the flat slot `t·K + k` each row came from;
    - `offsets` `[E + 1]` (`i32`): expert `e` owns rows
      `offsets[e] … offsets[e+1]−1`; `offsets[0] = 0`,
      `offsets[E] = T·K`. The static size of `offsets` fixes `E`.

    ```mlir
    %xs, %perm, %offs = moe.dispatch %x, %ids
        : tensor<?x64xbf16>, tensor<?x2xi32>
        -> tensor<?x64xbf16>, tensor<?xi32>, tensor<9xi32>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$input, Moe_IndexTensor:$indices);
  let results = (outs Moe_FloatTensor:$permuted, Moe_IndexTensor:$perm,
                      Moe_IndexTensor:$offsets);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` type($input) `,` type($indices) `->`
    type($permuted) `,` type($perm) `,` type($offsets)
  }];
  let hasVerifier = 1;
}

def Moe_GroupedMatmulOp : Moe_Op<"grouped_matmul", [Pure]> {
  let summary = "Per-expert matmul over expert-grouped rows";
  let description = [{
    `result[r] = input[r] · weight[e]ᵀ` for every row `r` in
    `offsets[e] … offsets[e+1]−1`: `input` `[R, K]`, `weight` `[E, N, K]`,
    `offsets` `[E + 1]`, result `[R, N]` with the input's element type.
    Quantized weights take `quant` and `scales`
    `[E, ceil(N / block[0]), ceil(K / block[1])]`.

    With `swiglu`, each expert's weight `[2·I, K]` holds its gate rows then
    its up rows and the result is `[R, I]`: the SwiGLU of the two products,
    each rounded first, as `moe.linear {swiglu}` defines it.

    ```mlir
    %h = moe.grouped_matmul %xs, %w, %offs
        : tensor<?x64xbf16>, tensor<8x96x64xbf16>, tensor<9xi32>
        -> tensor<?x96xbf16>
    %a = moe.grouped_matmul %xs, %wgu, %offs {swiglu}
        : tensor<?x64xbf16>, tensor<8x192x64xbf16>, tensor<9xi32>
        -> tensor<?x96xbf16>
    ```
  }];
  let arguments = (ins
    Moe_FloatTensor:$input,
    Moe_WeightTensor:$weight,
    Moe_IndexTensor:$offsets,
    Optional<Moe_FloatTensor>:$scales,
    OptionalAttr<Moe_QuantAttr>:$quant,
    UnitAttr:$swiglu
  );
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $offsets
    (`scales` `(` $scales^ `:` type($scales) `)`)?
    attr-dict `:` type($input) `,` type($weight) `,` type($offsets) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Moe_CombineOp : Moe_Op<"combine", [Pure]> {
  let summary = "Weighted scatter-add of expert outputs back to tokens";
  let description = [{
    The inverse of `moe.dispatch`:
    `result[t] = Σ_k weights[t, k] · input[r]` where `perm[r] = t·K + k`.
    `input` `[T·K, H]`, `perm` `[T·K]`, `weights` `[T, K]`; the result is
    `[T, H]` with the input's element type, accumulated in fp32.

    ```mlir
    %y = moe.combine %ys, %perm, %w
        : tensor<?x64xbf16>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x64xbf16>
    ```
  }];
  let arguments = (ins Moe_FloatTensor:$input, Moe_IndexTensor:$perm,
                       Moe_FloatTensor:$weights);
  let results = (outs Moe_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $perm `,` $weights attr-dict `:` type($input) `,` type($perm)
    `,` type($weights) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // DS_DIALECTS_MOE_MOEOPS_TD
