//===- Passes.td - ds passes -------------------------------*- tablegen -*-===//
//
// Part of ds, an MLIR compiler for Mixture-of-Experts transformers.
//
// Every ds pass is declared here: one pass, one .cpp, one lit test
// (test/passes/<flag>.mlir).
//
//===----------------------------------------------------------------------===//

#ifndef DS_PASSES_PASSES_TD
#define DS_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def MoeSummary : Pass<"moe-summary", "::mlir::ModuleOp"> {
  let summary = "Prints a summary of a moe module";
  let description = [{
    An analysis for people reading a model: prints, to standard output, the
    module's parameters (count, elements and bytes per stored dtype, how many
    are keyed to the checkpoint and how many are stacked), its functions, and
    one line per distinct attention, router and experts configuration with the
    number of ops that share it, then the op counts. The IR is not changed.

    For `examples/mixtral_layer.mlir`:

    ```
    moe summary
      parameters: 10 tensors (10 keyed, 3 stacked), 1.45 G elements, 2.70 GiB
        bf16: 10 tensors, 1.45 G elements, 2.70 GiB
      function @decoder_layer: (tensor<?x4096xbf16>, tensor<?xi32>) -> tensor<?x4096xbf16>
      attention x1: 32 heads, 8 kv heads, qk 128, v 128, scale 0.08839, window global
      router x1: softmax greedy, top-2 of 8 experts, normalized
      experts x1: 8 experts, hidden 4096, intermediate 14336, bf16
      ops: 10 moe.parameter, 10 moe.load, 4 moe.linear, 3 tensor.expand_shape, ...
    ```
  }];
}

def MoeDecompose : Pass<"moe-decompose"> {
  let summary = "Rewrites composite moe ops into their simple form";
  let description = [{
    Replaces every op implementing `DecomposableOpInterface` with its
    decomposition, keeping the numbers (the composite op is defined as that
    sequence, each intermediate rounded to the activation type):
    `moe.add_rms_norm` becomes `arith.addf` + `moe.rms_norm`, and
    `moe.experts` becomes its sparse form (see `moe-dispatch-experts`). The
    reference for pass writers who want only simple ops.

    ```mlir
    %sum, %y = moe.add_rms_norm %a, %res, %w eps(1.0e-06)
        : tensor<?x64xbf16>, tensor<64xbf16>
    ```

    becomes

    ```mlir
    %sum = arith.addf %a, %res : tensor<?x64xbf16>
    %y = moe.rms_norm %sum, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def MoeDispatchExperts : Pass<"moe-dispatch-experts"> {
  let summary = "Computes only the routed (token, expert) pairs of moe.experts";
  let description = [{
    The sparsity pass: rewrites each `moe.experts` (dense semantics, every
    expert conceptually applied to every token) into the form whose work is
    proportional to the `T·K` routed pairs. Tokens are grouped by expert,
    each expert runs a GEMM over its own rows, and the outputs are scattered
    back with the routing weights. Quantized experts keep their `quant`
    attribute and per-expert scales. The numbers are unchanged.

    ```mlir
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd
        : (tensor<?x64xbf16>, tensor<?x2xf32>, tensor<?x2xi32>,
           tensor<8x96x64xbf16>, tensor<8x96x64xbf16>, tensor<8x64x96xbf16>)
        -> tensor<?x64xbf16>
    ```

    becomes

    ```mlir
    %rows, %perm, %offsets = moe.dispatch %x, %ids
        : tensor<?x64xbf16>, tensor<?x2xi32>
        -> tensor<?x64xbf16>, tensor<?xi32>, tensor<9xi32>
    %g = moe.grouped_matmul %rows, %wg, %offsets
        : tensor<?x64xbf16>, tensor<8x96x64xbf16>, tensor<9xi32> -> tensor<?x96xbf16>
    %u = moe.grouped_matmul %rows, %wu, %offsets
        : tensor<?x64xbf16>, tensor<8x96x64xbf16>, tensor<9xi32> -> tensor<?x96xbf16>
    %a = moe.swiglu %g, %u : tensor<?x96xbf16>
    %d = moe.grouped_matmul %a, %wd, %offsets
        : tensor<?x96xbf16>, tensor<8x64x96xbf16>, tensor<9xi32> -> tensor<?x64xbf16>
    %y = moe.combine %d, %perm, %w
        : tensor<?x64xbf16>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x64xbf16>
    ```
  }];
}

def MoeAttentionWindow : Pass<"moe-attention-window", "::mlir::ModuleOp"> {
  let summary = "Sets the key window of every attention layer by a policy";
  let description = [{
    The seeds' adaptive attention range: chooses the `#moe.window` of every
    `moe.attention`, the layers of a function counted from 0 in program
    order. The option `policy` is one of

    | policy | every layer's window |
    |---|---|
    | `config` (the default) | its own (the imported model's): the pass changes nothing |
    | `uniform=W` | `#moe.window<sliding W>` |
    | `local-global=W:n` | layers `n-1, 2n-1, ...` (every n-th) `#moe.window<global>`, the others `#moe.window<sliding W>` |
    | `local-global=W:n:G` | as above, the others `#moe.window<local_global W, sinks G>`: the sliding window plus the first `G` tokens |
    | `adaptive=W:L` | `#moe.window<adaptive W, threshold L>`: over `S` keys global while `S <= L`, else sliding over `W` |
    | `adaptive=W:L:G` | `#moe.window<adaptive W, threshold L, sinks G>`: as above, `local_global W, sinks G` when `S > L` |

    with `W`, `n`, `L` and `G` decimal integers `>= 1`. An adaptive layer's
    variants are selected at run time by the sequence length:
    `kernel-select-configs` splits its token buckets at `L`, so each launch
    variant runs one regime (its `#kernel.config` variant names it,
    `"mma_sync_fa:global"`, `"mma_sync_fa:sliding"`), and the launch program
    picks the variant by T (`ds::Window::resolve` is the one rule, also the
    CPU reference's). Every policy but `config`
    changes the model: its logit change on the golden models is recorded in
    `test/passes/moe-attention-window-models.test`. The other attributes and
    operands of the op (scale, MLA's shared key, GQA's head counts) are kept.
    The windowed forms run on every backend (the CPU reference, the cpu and
    sim backends, and the attention kernel, which skips fully masked KV
    tiles).

    A policy that does not parse, a `W`, `n`, `L` or `G` below 1, or a `W`,
    `L` or `G` larger than the model's positions (`max_position_embeddings`
    of `moe.config`, else `moe.max_tokens`) is an error at the module naming
    the option and its value, and the pass fails.

    With `policy=local-global=4:2`,

    ```mlir
    %a = moe.attention %q0, %k0, %v0 scale(0.25) window(<global>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>
        -> tensor<?x4x16xf32>
    %b = moe.attention %q1, %k1, %v1 scale(0.25) window(<sliding 8>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>
        -> tensor<?x4x16xf32>
    ```

    becomes

    ```mlir
    %a = moe.attention %q0, %k0, %v0 scale(0.25) window(<sliding 4>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>
        -> tensor<?x4x16xf32>
    %b = moe.attention %q1, %k1, %v1 scale(0.25) window(<global>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32>
        -> tensor<?x4x16xf32>
    ```
  }];
  let options = [
    Option<"policy", "policy", "std::string", /*default=*/"\"config\"",
           "config | uniform=W | local-global=W:n[:sinks] | "
           "adaptive=W:L[:sinks]: the window of every attention layer">
  ];
}

def MoeAttentionBlockSparsity : Pass<"moe-attention-block-sparsity"> {
  let summary = "Lets the attention kernel skip the KV tiles no query sees";
  let description = [{
    Turns each attention window into tile-level ranges: sets `block_sparse`
    on every `moe.attention` whose window is not global. The flag travels
    through the lowering (`kernel.attention`), the module (the launch's
    attributes) and the kernel (a compile-time flag of `attentionKernel`),
    which then visits, per CTA of `BQ` queries at positions `[p0, p1]`, only
    the KV tiles of `BKV` keys that hold a key some of its queries sees:

    | window | tiles visited per CTA |
    |---|---|
    | `sliding W` | those of keys `[p0 - W + 1, p1]` |
    | `chunked C` | those of keys `[C·floor(p0 / C), p1]` |
    | `local_global W, sinks G` | those of keys `[0, G)`, then of `[p0 - W + 1, p1]` |
    | `adaptive W, threshold L[, sinks G]` | those of the window it resolves to for the launch's keys: the causal ones up to `L` keys, else as `sliding W` (`local_global W, sinks G`) |

    Without the flag (the pass not run) the kernel visits every tile of keys
    `[0, p1]`, the causal ones, and applies the window per element, as a
    dense masked kernel does. Skipping the tiles above the causal end is a
    property of causal attention, not of this pass: global attention visits
    the causal tiles in both schedules, so the pass leaves it alone, as it
    leaves an op already marked.

    `ds-compile` runs the pass by default (option
    `attention-block-sparsity`; not a fusion pass, so `fusion=false` leaves
    it on). Run on a `builtin.module`, it appends `{name =
    "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" =
    N}}` to the module's `moe.passes` record (N: the windowed layers, marked
    now or before), which the `.dsb` keeps and `ds-run --info` and
    `moe-summary` print.

    The numbers are unchanged, bit for bit on every backend: a fully masked
    tile adds exactly zero to a row's max, sum and output in the kernel, and
    the CPU reference ignores the flag. `ds-run --device sim --sim-stats`
    reports the KV tiles each attention launch visited
    (test/runtime/attention-tiles.test checks them against the ideal count
    at T = 1024; bench/attention_tiles.py has the counts at 4k-32k tokens).

    ```mlir
    %a = moe.attention %q, %k, %v scale(0.25) window(<sliding 4096>)
        : tensor<?x4x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>
        -> tensor<?x4x16xbf16>
    %b = moe.attention %q, %k, %v scale(0.25) window(<global>)
        : tensor<?x4x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>
        -> tensor<?x4x16xbf16>
    ```

    becomes

    ```mlir
    %a = moe.attention %q, %k, %v scale(0.25) window(<sliding 4096>) block_sparse
        : tensor<?x4x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>
        -> tensor<?x4x16xbf16>
    %b = moe.attention %q, %k, %v scale(0.25) window(<global>)
        : tensor<?x4x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16>
        -> tensor<?x4x16xbf16>
    ```
  }];
}

def MoeFuseAddRmsNorm : Pass<"moe-fuse-add-rms-norm"> {
  let summary = "Folds residual add + rms_norm chains into moe.add_rms_norm";
  let description = [{
    The residual stream of a pre-norm decoder: the `arith.addf` that ends a
    layer (`h + mlp(h)`) feeds the next layer's input norm (or the final
    norm) and is the next residual. Each `moe.rms_norm` whose input is an
    `arith.addf` becomes one `moe.add_rms_norm` producing both the sum (it
    replaces the add for every other user) and the normed value, one
    `kernel.norm` launch instead of an elementwise add and a norm. Applied to
    an imported model it fuses the add at the end of every layer but the
    last into the next layer's `input_layernorm`, and the last into
    `model.norm`; the post-attention norms are already fused by the
    importer.

    The numbers are unchanged: the reference rounds the sum to the
    activation type and normalizes the rounded sum in both forms
    (runtime/cpu/norm.cpp), so the CPU reference is bit-identical. The add
    and the norm must share one tensor type: a cast between them is a second
    rounding point, and such a chain is left alone. The fused op goes where
    the norm was when every other user of the sum follows the norm, else
    where the add was when the norm's weight is defined there, else the chain
    is left alone.

    Run on a `builtin.module` (as `ds-compile` runs it, on by default:
    option `fuse-add-rms-norm`, master switch `fusion`), it appends
    `{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = N}}` to
    the module's `moe.passes` record, which the `.dsb` module keeps and
    `ds-run --info` and `moe-summary` print.

    ```mlir
    %x1 = arith.addf %h, %mlp : tensor<?x64xbf16>
    %n = moe.rms_norm %x1, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
    %q = moe.linear %n, %wq : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
    %s, %y = moe.add_rms_norm %attn, %x1, %w2 eps(1.0e-06)
        : tensor<?x64xbf16>, tensor<64xbf16>
    ```

    becomes

    ```mlir
    %x1, %n = moe.add_rms_norm %h, %mlp, %w eps(1.0e-06)
        : tensor<?x64xbf16>, tensor<64xbf16>
    %q = moe.linear %n, %wq : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
    %s, %y = moe.add_rms_norm %attn, %x1, %w2 eps(1.0e-06)
        : tensor<?x64xbf16>, tensor<64xbf16>
    ```
  }];
}

def MoeFuseGateUp : Pass<"moe-fuse-gate-up", "::mlir::ModuleOp"> {
  let summary = "Computes the gate and up projections of a SwiGLU MLP as one "
                "GEMM with a SwiGLU epilogue";
  let description = [{
    Every SwiGLU MLP computes `swiglu(x·Wgᵀ, x·Wuᵀ)`: two GEMMs over the same
    input, two `[T, I]` intermediates written and read back by a third
    launch. This pass joins `Wg` and `Wu` into one parameter `[2·I, K]` (the
    gate rows, then the up rows) and computes the pair as one
    `moe.linear {swiglu}` (dense MLPs, shared experts) or one
    `moe.grouped_matmul {swiglu}` (routed experts: a `moe.experts` whose
    gate and up weights fuse is first rewritten into its dispatched form,
    as `moe-lower-to-kernels` would). The GEMM's epilogue applies the
    SwiGLU, so one launch replaces three and only the `[T, I]` result is
    written.

    The join happens at load time, not in the checkpoint: the new parameter
    carries the gate's `key` and the up's as `concat_keys`, with their row
    counts in `concat_rows`, and the runtime concatenates them when it binds
    the weights (stacked expert weights per expert, pruned `slices` kept).
    Block-quantized weights join their scales the same way; they fuse only
    when `I` is a multiple of the block's rows, so no scale block spans both
    halves. The old parameters go when nothing else loads them.

    The numbers are unchanged: the fused op rounds both products to the
    activation type before the SwiGLU, exactly where the unfused linears
    round them (runtime/cpu/linear.cpp), so the CPU reference is
    bit-identical. A pair fuses when both projections read the same input,
    have no bias, share their weight type, format and slices, and feed only
    the `moe.swiglu`.

    `ds-compile` runs the pass by default (option `fuse-gate-up`, master
    switch `fusion`), after `moe-fuse-add-rms-norm`. It appends `{name =
    "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = G,
    "linear-pairs-fused" = L}}` to the module's `moe.passes` record (G routed
    expert MLPs, L dense MLPs and shared experts), which the `.dsb` keeps
    and `ds-run --info` and `moe-summary` print.

    ```mlir
    moe.parameter @gate : tensor<96x64xbf16> {key = "mlp.gate_proj.weight"}
    moe.parameter @up : tensor<96x64xbf16> {key = "mlp.up_proj.weight"}
    ...
    %wg = moe.load @gate : tensor<96x64xbf16>
    %wu = moe.load @up : tensor<96x64xbf16>
    %g = moe.linear %x, %wg : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
    %u = moe.linear %x, %wu : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
    %h = moe.swiglu %g, %u : tensor<?x96xbf16>
    ```

    becomes

    ```mlir
    moe.parameter @gate_up : tensor<192x64xbf16>
        {key = "mlp.gate_proj.weight", concat_keys = ["mlp.up_proj.weight"],
         concat_rows = array<i64: 96, 96>}
    ...
    %w = moe.load @gate_up : tensor<192x64xbf16>
    %h = moe.linear %x, %w {swiglu}
        : tensor<?x64xbf16>, tensor<192x64xbf16> -> tensor<?x96xbf16>
    ```
  }];
}

def MoeFuseQkv : Pass<"moe-fuse-qkv", "::mlir::ModuleOp"> {
  let summary = "Computes the projections that share an input as one GEMM "
                "with a split epilogue";
  let description = [{
    Attention reads its input through several projections: q, k and v
    (Mixtral, Qwen), MLA's `q_a_proj` and `kv_a_proj_with_mqa` (DeepSeek-V3;
    V2-Lite's `q_proj` and `kv_a_proj_with_mqa`). Each is a GEMM launch that
    reads the same `[T, K]` activations. This pass joins the weights of
    such a group into one parameter `[N0 + N1 + …, K]` and computes the
    group as one `moe.linear {split = array<i64: N0, N1, …>}`, whose
    results are exactly the projections' results: the GEMM's epilogue
    writes each segment's columns to its own buffer (`#kernel.epilogue<split
    = [...]>`, gemm.cuh's split store), so no column slice is ever copied
    and the input is read once.

    A group is two to four `moe.linear` ops (no `swiglu`, no `split`) in
    one block that read the same value, with one weight element type and
    quant format, all with or all without a bias, whose weights, scales and
    biases are loads of plain parameters (keyed; not stacked, sliced or
    already joined). Its segments are in program order, except that with a
    block-quantized weight a segment whose rows are not a multiple of the
    block's rows goes last (a second one is left out), so no scale block
    spans two segments. The fused op sits where the first projection was.

    The join happens at load time, as `moe-fuse-gate-up`'s does: the new
    parameter (named after the first, `<first>_qkv`) carries the first
    key and the others as `concat_keys`, their rows in `concat_rows`;
    biases and FP8 block scales join the same way. The old parameters go
    when nothing else loads them.

    The numbers are unchanged: every output element is accumulated on its
    own in the same order and rounded once, so the CPU reference is
    bit-identical (runtime/cpu/linear.cpp, `linearSplit`).

    Not fused: the router gate, which `moe.router` computes itself (joining
    it with a projection of the same input, such as Qwen2-MoE's
    `shared_expert_gate`, would need the router to take precomputed
    logits), and gate/up pairs, which `moe-fuse-gate-up` (run first) makes
    one SwiGLU GEMM.

    `ds-compile` runs the pass by default (option `fuse-qkv`, master switch
    `fusion`), after `moe-fuse-gate-up`. It appends `{name =
    "moe-fuse-qkv", statistics = {"groups-fused" = G, "linears-fused" =
    L}}` to the module's `moe.passes` record (G split linears replacing L
    linears), which the `.dsb` keeps and `ds-run --info` and `moe-summary`
    print.

    ```mlir
    moe.parameter @q : tensor<64x64xbf16> {key = "self_attn.q_proj.weight"}
    moe.parameter @k : tensor<16x64xbf16> {key = "self_attn.k_proj.weight"}
    moe.parameter @v : tensor<16x64xbf16> {key = "self_attn.v_proj.weight"}
    ...
    %wq = moe.load @q : tensor<64x64xbf16>
    %q = moe.linear %x, %wq : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
    %wk = moe.load @k : tensor<16x64xbf16>
    %k = moe.linear %x, %wk : tensor<?x64xbf16>, tensor<16x64xbf16> -> tensor<?x16xbf16>
    %wv = moe.load @v : tensor<16x64xbf16>
    %v = moe.linear %x, %wv : tensor<?x64xbf16>, tensor<16x64xbf16> -> tensor<?x16xbf16>
    ```

    becomes

    ```mlir
    moe.parameter @q_qkv : tensor<96x64xbf16>
        {key = "self_attn.q_proj.weight",
         concat_keys = ["self_attn.k_proj.weight", "self_attn.v_proj.weight"],
         concat_rows = array<i64: 64, 16, 16>}
    ...
    %w = moe.load @q_qkv : tensor<96x64xbf16>
    %q, %k, %v = moe.linear %x, %w {split = array<i64: 64, 16, 16>}
        : tensor<?x64xbf16>, tensor<96x64xbf16>
        -> tensor<?x64xbf16>, tensor<?x16xbf16>, tensor<?x16xbf16>
    ```
  }];
}

def MoePruneExperts : Pass<"moe-prune-experts", "::mlir::ModuleOp"> {
  let summary = "Drops the experts a routing profile selects least";
  let description = [{
    Expert pruning from a routing profile (`ds-interp --profile-routing` or
    `ds-run --profile-routing`, the JSON format of
    `runtime/include/ds/routing_profile.h`): layer `i` of the profile is the
    `i`-th `moe.router` of the module in program order. With `keep=F` in
    `(0, 1]`, each router keeps, in each of its `n_group` expert groups
    (one for greedy selection), the `ceil(F · E / n_group)` experts the
    profile counts most often selected (ties to the lower index), so a
    grouped router keeps equal groups. The kept experts are renumbered
    `0 .. E'-1` in their order: the gate weight's rows, the correction
    bias, and every `[E, ...]` weight and scale of the `moe.experts` ops the
    router feeds (through the extract_slices of a fused `gate_up`, or the
    joined weights of `moe-fuse-gate-up`) are narrowed to them, so the
    router can only select kept experts. The dispatched form
    (`moe-dispatch-experts`) prunes the same way: the `moe.dispatch` of the
    router's indices gets `E' + 1` expert offsets, and the
    `moe.grouped_matmul` ops over them their narrowed weights; the
    `moe.combine` of the router's weights is unchanged. Either order of the
    two passes gives the same IR. The
    parameters read only the kept experts' checkpoint slices (`slices` of
    `moe.parameter`): the pruned experts are never loaded. `keep=1` checks
    the profile and changes nothing. The pass appends `{name =
    "moe-prune-experts", statistics = {"experts-pruned" = P, layers = R}}`
    to the module's `moe.passes` record (P experts dropped over R routers),
    which the `.dsb` keeps and `ds-run --info` and `moe-summary` print.

    Pruning changes the model: the logit change on the golden models is
    recorded in `test/passes/moe-prune-experts-models.test`. A softmax
    router normalizes over the kept experts only.

    Bad input is a located error naming the option and its value, and the
    pass fails: `keep` outside `(0, 1]`; a profile that cannot be read or
    is not a valid profile; one whose number of layers differs from the
    module's routers, or a layer whose experts or top-k differ from its
    router's; a `keep` that leaves a router fewer experts than it selects.
    A router whose indices or weights feed anything but `moe.experts`, or
    `moe.dispatch` and `moe.combine` (whose expert offsets feed only
    `moe.grouped_matmul`), is an error at the router.

    With a profile whose counts for the router's 4 experts are
    `[3, 9, 1, 7]` and `keep=0.5`,

    ```mlir
    %g = moe.load @gate : tensor<4x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax,
        selection = greedy, top_k = 1>)
        : tensor<?x64xf32>, tensor<4x64xf32> -> tensor<?x1xf32>, tensor<?x1xi32>
    %wg = moe.load @experts.w1 : tensor<4x32x64xf32>
    ...
    moe.parameter @gate : tensor<4x64xf32> {key = "gate.weight"}
    moe.parameter @experts.w1 : tensor<4x32x64xf32> {key = "experts.*.w1.weight"}
    ```

    becomes

    ```mlir
    %g = moe.load @gate : tensor<2x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax,
        selection = greedy, top_k = 1>)
        : tensor<?x64xf32>, tensor<2x64xf32> -> tensor<?x1xf32>, tensor<?x1xi32>
    %wg = moe.load @experts.w1 : tensor<2x32x64xf32>
    ...
    moe.parameter @gate : tensor<2x64xf32>
        {key = "gate.weight", slices = array<i64: 1, 3>}
    moe.parameter @experts.w1 : tensor<2x32x64xf32>
        {key = "experts.*.w1.weight", slices = array<i64: 1, 3>}
    ```
  }];
  let options = [
    Option<"profile", "profile", "std::string", /*default=*/"",
           "The routing profile (JSON, ds-interp/ds-run --profile-routing)">,
    Option<"keep", "keep", "double", /*default=*/"1.0",
           "The fraction of each router's experts kept, in (0, 1]">,
  ];
}

def MoeLowerToKernels : Pass<"moe-lower-to-kernels", "::mlir::ModuleOp"> {
  let summary = "Lowers moe IR on tensors to kernel IR on token-scaled buffers";
  let description = [{
    The first step of the compile path (docs/compile-path.md §1). Every
    function of the module becomes a function on memrefs (tensor arguments
    and results become memrefs of the same shape, their `moe.name` kept) and
    every op one `kernel` launch writing a new `kernel.buffer`, or an alias:

    | moe IR | kernel IR |
    |---|---|
    | `moe.load` | `kernel.weight` |
    | `moe.linear`, `moe.grouped_matmul` | `kernel.gemm` (bias in the epilogue), `kernel.grouped_gemm` |
    | `moe.rms_norm`, `moe.add_rms_norm` | `kernel.norm` (with `residual` and `sum`) |
    | `moe.rope`, `moe.attention`, `moe.embedding`, `moe.router`, `moe.dispatch`, `moe.combine` | the kernel op of the same name |
    | `moe.experts` | its decomposition: dispatch, 3 grouped GEMMs, swiglu, combine |
    | `moe.swiglu`, `moe.sigmoid_gate`, `arith.{add,sub,mul,div,maximum,minimum,neg}f`, `arith.extf`, `arith.truncf` | `kernel.elementwise` |
    | `tensor.expand_shape`, `tensor.collapse_shape`, a contiguous `tensor.extract_slice` | `kernel.view` |
    | any other `tensor.extract_slice`, `tensor.concat` | `kernel.copy` into a new buffer (one per concat operand) |
    | `tensor.splat`, splat `arith.constant`, `tensor.empty` | `kernel.fill` (`tensor.empty`: zeros) |
    | index `arith.constant`, `tensor.dim`, scalar float constants | erased: sizes become token scales |

    Each dynamic size is tracked as a multiple `m·T` of the token count (the
    leading dim of the first argument whose leading dim is dynamic; every
    dynamic argument has `T` rows), so each buffer declares its scale:
    `moe.dispatch` with top-8 writes `kernel.buffer tokens(8)` rows. A
    returned value that is an argument, a weight, a view or a buffer already
    returned is first copied into a fresh buffer, so that every output is a
    buffer of its own. The module gets `kernel.target` (option `target`)
    unless it has one.

    Anything it cannot lower (an unknown op, a dynamic size that is not
    `m·T`, dynamic slice offsets or strides, a concat along the token dim, a
    launch whose shapes do not verify) is a located error
    `'moe-lower-to-kernels' cannot lower ...` and the pass fails.

    ```mlir
    func.func @f(%x: tensor<?x64xbf16>, %w: tensor<128x64xbf16>) -> tensor<?x128xbf16> {
      %y = moe.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
      return %y : tensor<?x128xbf16>
    }
    ```

    becomes

    ```mlir
    func.func @f(%x: memref<?x64xbf16>, %w: memref<128x64xbf16>) -> memref<?x128xbf16> {
      %y = kernel.buffer tokens(1) : memref<?x128xbf16>
      kernel.gemm ins(%x, %w : memref<?x64xbf16>, memref<128x64xbf16>)
                  outs(%y : memref<?x128xbf16>) {epilogue = #kernel.epilogue<>}
      return %y : memref<?x128xbf16>
    }
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "the GPU target recorded as kernel.target">
  ];
  let dependentDialects = ["::ds::kernel::KernelDialect"];
}

//===----------------------------------------------------------------------===//
// kernel-*: passes over kernel IR
//===----------------------------------------------------------------------===//

def KernelSelectConfigs : Pass<"kernel-select-configs", "::mlir::ModuleOp"> {
  let summary = "Chooses a tile config per token-count bucket for every launch";
  let description = [{
    Sets the `config` of every kernel launch op to one `#kernel.config` per
    shape bucket of the token count T (`T <= 1, 16, 64, 256, 1024, 4096`,
    unbounded), the runtime picking the first bucket that holds the call's T.
    A problem (op kind, weight or input element type, quantization scheme,
    static dims such as `n`, `k`, `experts`, `heads`, `head_dim`, `hidden`)
    named in the tuning table (`tuning-table=FILE`, the JSON format of
    docs/compile-path.md §2, for the module's `kernel.target`) takes its
    buckets from there; every other problem gets the heuristic configs for the
    target. A config already set is kept. With `emit-table=FILE` the configs
    chosen for every distinct problem are written as a tuning table (the
    heuristics' table, ready to be tuned and passed back). The numbers are
    unchanged.

    ```mlir
    kernel.gemm ins(%x, %w : memref<?x7168xbf16>, memref<2048x7168xbf16>)
                outs(%y : memref<?x2048xbf16>) {epilogue = #kernel.epilogue<>}
    ```

    becomes

    ```mlir
    kernel.gemm ins(%x, %w : memref<?x7168xbf16>, memref<2048x7168xbf16>)
                outs(%y : memref<?x2048xbf16>)
        {config = [#kernel.config<max_tokens = 1, variant = "mma_sync",
                                  tile = [16, 128, 32], stages = 4, warps = 4,
                                  cluster = [1, 1]>,
                   ...,
                   #kernel.config<max_tokens = 0, variant = "mma_sync",
                                  tile = [128, 128, 32], stages = 3,
                                  warps = 8, cluster = [1, 1]>],
         epilogue = #kernel.epilogue<>}
    ```
  }];
  let options = [
    Option<"tuningTable", "tuning-table", "std::string", /*default=*/"",
           "A JSON tuning table (docs/compile-path.md §2); heuristics fill "
           "every problem it does not name">,
    Option<"emitTable", "emit-table", "std::string", /*default=*/"",
           "Write the configs chosen for every distinct problem as a tuning "
           "table to this file: a starting point to tune and pass back">,
  ];
}

def KernelPlanBuffers : Pass<"kernel-plan-buffers", "::mlir::ModuleOp"> {
  let summary = "Packs every kernel.buffer of a function into one arena";
  let description = [{
    Computes the live range of each `kernel.buffer` over the program order
    (a view keeps its source live; a returned buffer lives to the end), lets
    the output of an op implementing `InPlaceOpInterface` take the slot of an
    input that dies at that op when their sizes are equal, and places the
    slots greedily by decreasing size, each at the lowest offset clear of
    every slot live at the same time. Sizes and offsets are linear in the
    token count T (`a·T + b` bytes; `a` a multiple of 16, `b` of 256), and the
    placement is valid for every T: the session allocates one arena of
    `max(offset + size)` at its largest T. The packing is optimized for
    `max-tokens` (default: the module's `moe.max_tokens`, else 4096).

    Sets `offset = array<i64: a, b>` on every buffer and `kernel.plan` on the
    function; with `summary` it prints the peak bytes against the naive sum of
    all buffers (each rounded as its slot is). The numbers are unchanged.

    ```mlir
    %a = kernel.buffer tokens(1) : memref<?x4096xbf16>
    %b = kernel.buffer tokens(1) : memref<?x4096xbf16>
    %c = kernel.buffer tokens(1) : memref<?x4096xbf16>
    ```

    becomes, when `%a` is dead before `%c` is written,

    ```mlir
    %a = kernel.buffer tokens(1) {offset = array<i64: 0, 0>} : memref<?x4096xbf16>
    %b = kernel.buffer tokens(1) {offset = array<i64: 8192, 0>} : memref<?x4096xbf16>
    %c = kernel.buffer tokens(1) {offset = array<i64: 0, 0>} : memref<?x4096xbf16>
    ```

    and `func.func @forward(...) attributes {kernel.plan =
    #kernel.plan<max_tokens = 4096, peak_bytes = 67108864, naive_bytes =
    100663296>}`.
  }];
  let options = [
    Option<"maxTokens", "max-tokens", "int64_t", /*default=*/"0",
           "The token count the packing is optimized for (0: the module's "
           "moe.max_tokens, else 4096)">,
    Option<"summary", "summary", "bool", /*default=*/"false",
           "Print each function's peak and naive arena bytes">,
  ];
}

#endif // DS_PASSES_PASSES_TD
