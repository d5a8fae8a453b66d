// The ds-compile pipeline (moe-fuse-add-rms-norm, moe-fuse-gate-up,
// moe-fuse-qkv, moe-attention-block-sparsity, then moe-lower-to-kernels,
// kernel-select-configs, kernel-plan-buffers) as a pass pipeline, on a small
// bf16 decoder layer that lowers to one launch of every kernel op kind (12):
// embedding, norm, gemm,
// copy (partial-rotary slices and their concat), rope, attention, router,
// dispatch, grouped_gemm, elementwise, combine, fill. Each case pins the
// target, that every launch has its configs (ending with the unbounded
// bucket) and every buffer its offset (Inputs/planned_summary.py counts
// them), and the plan on the function.

// Default options: the optimization passes on, sm_90a, heuristic configs, the
// plan at the module's moe.max_tokens (256). moe-fuse-add-rms-norm folds the
// one add feeding a norm (%y2 into the final norm; the post-attention norm is
// an add_rms_norm already), moe-fuse-gate-up the experts' gate and up grouped
// GEMMs and their swiglu into one grouped GEMM, moe-fuse-qkv the q, k and v
// projections of the normed input into one GEMM with a split epilogue (two
// gemm launches fewer; it writes the same three buffers), and
// moe-attention-block-sparsity finds no window to mark (the layer is global);
// each records what it did: 22 launches (27 unfused), 28 buffers, the peak
// the unfused one's (the add's slot is reused by the norm's sum; the gate and
// up outputs are not live at the peak), the naive sum 256 bytes per token
// smaller (the gate and up outputs, bf16 [T x 2, 32] each, are gone: the
// fused GEMM writes the swiglu output; q, k and v are written as before).
// RUN: ds-opt %s --ds-compile | FileCheck %s --check-prefix=DEFAULT
// RUN: ds-opt %s --ds-compile | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=COUNT
// DEFAULT-LABEL: module attributes {kernel.target = "sm_90a", moe.max_tokens = 256 : i64, moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 1 : i64}}, {name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 1 : i64, "linear-pairs-fused" = 0 : i64}}, {name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 3 : i64}}, {name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// DEFAULT-LABEL: func.func @forward
// DEFAULT-SAME: kernel.plan = #kernel.plan<max_tokens = 256, peak_bytes = 196608, naive_bytes = 897280>
// DEFAULT: kernel.embedding {{.*}}{config = [#kernel.config<max_tokens = 1, variant = "rowwise"
// q, k and v (n = 64 + 32 + 32): one GEMM writing three buffers.
// DEFAULT: kernel.gemm ins(%{{.*}} : memref<?x64xbf16>, memref<128x64xbf16>) outs(%{{.*}}, %{{.*}}, %{{.*}} : memref<?x64xbf16>, memref<?x32xbf16>, memref<?x32xbf16>) {config = [#kernel.config<max_tokens = 1, variant = "mma_sync", tile = [16, 128, 32], stages = 4, warps = 4, cluster = [1, 1]>
// DEFAULT-SAME: epilogue = #kernel.epilogue<split = [64, 32, 32]>
// DEFAULT: kernel.attention {{.*}}{config = [#kernel.config<max_tokens = 1, variant = "mma_sync_fa"
// DEFAULT: kernel.dispatch {{.*}}{config = [#kernel.config<max_tokens = 1, variant = "dispatch"
// DEFAULT: kernel.grouped_gemm {{.*}}{config = [#kernel.config<max_tokens = 1, variant = "mma_sync"{{.*}}epilogue = #kernel.epilogue<swiglu = true>
// DEFAULT: kernel.combine {{.*}}{config = [#kernel.config<max_tokens = 1, variant = "combine"
// The lm_head (n = 128, k = 64): seven buckets, T <= 1 .. 4096 and any.
// DEFAULT: kernel.gemm ins(%{{.*}} : memref<?x64xbf16>, memref<128x64xbf16>)
// DEFAULT-SAME: {config = [#kernel.config<max_tokens = 1, variant = "mma_sync", {{.*}}, #kernel.config<max_tokens = 16, {{.*}}, #kernel.config<max_tokens = 64, {{.*}}, #kernel.config<max_tokens = 256, {{.*}}, #kernel.config<max_tokens = 1024, {{.*}}, #kernel.config<max_tokens = 4096, {{.*}}, #kernel.config<max_tokens = 0, variant = "mma_sync", tile = [128, 128, 32], stages = 3, warps = 8{{.*}}>], epilogue
// COUNT: @forward: 22 launches (22 with configs ending unbounded) 12 kinds, 28 buffers (28 with offsets)

// The options: target and max-tokens (which wins over moe.max_tokens). The
// plan is linear in T: 768 bytes per token at the peak in both cases; the
// naive sum is 3504 per token + the expert offsets' 256 bytes (each buffer
// rounded as its slot is).
// RUN: ds-opt %s --ds-compile="target=sm_80 max-tokens=64" | FileCheck %s --check-prefix=SM80
// RUN: ds-opt %s --ds-compile="target=sm_80 max-tokens=64" | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=COUNT
// SM80-LABEL: module attributes {kernel.target = "sm_80", moe.max_tokens = 256 : i64, moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 1 : i64}}, {name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 1 : i64, "linear-pairs-fused" = 0 : i64}}, {name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 3 : i64}}, {name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// SM80-LABEL: func.func @forward
// SM80-SAME: kernel.plan = #kernel.plan<max_tokens = 64, peak_bytes = 49152, naive_bytes = 224512>
// SM80: kernel.gemm {{.*}}{config = [#kernel.config<max_tokens = 1, variant = "mma_sync"

// tuning-table: the table's entry (gemm bf16, n = 128, k = 64) replaces the
// heuristics on the lm_head only; the other launches keep theirs.
// RUN: ds-opt %s --ds-compile=tuning-table=%S/Inputs/tuning-table.json | FileCheck %s --check-prefix=TABLE
// RUN: ds-opt %s --ds-compile=tuning-table=%S/Inputs/tuning-table.json | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=COUNT
// TABLE-LABEL: module attributes {kernel.target = "sm_90a", moe.max_tokens = 256 : i64, moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 1 : i64}}, {name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 1 : i64, "linear-pairs-fused" = 0 : i64}}, {name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 3 : i64}}, {name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// TABLE-LABEL: func.func @forward
// TABLE-SAME: kernel.plan = #kernel.plan<max_tokens = 256, peak_bytes = 196608, naive_bytes = 897280>
// TABLE: kernel.gemm ins(%{{.*}} : memref<?x64xbf16>, memref<64x64xbf16>) {{.*}}variant = "mma_sync", tile = [16, 64, 32], stages = 4
// TABLE-NOT: tile = [128, 128, 32], stages = 2
// TABLE: kernel.gemm ins(%{{.*}} : memref<?x64xbf16>, memref<128x64xbf16>) outs(%{{.*}} : memref<?x128xbf16>) {config = [#kernel.config<max_tokens = 64, variant = "mma_sync", tile = [64, 128, 32], stages = 3, warps = 4, cluster = [1, 1]>, #kernel.config<max_tokens = 0, variant = "mma_sync", tile = [128, 128, 32], stages = 2, warps = 8, cluster = [1, 1]>]
// TABLE-NOT: tile = [128, 128, 32], stages = 2

// A table for another target is refused, naming both (the pipeline passes
// its target to the lowering, the table check sees it).
// RUN: not ds-opt %s --ds-compile="target=sm_80 tuning-table=%S/Inputs/tuning-table.json" 2>&1 | FileCheck %s --check-prefix=WRONG-TARGET
// WRONG-TARGET: the tuning table {{.*}}tuning-table.json is for sm_90a, the module for sm_80

// The switches: fusion=false (the master) restores the unfused pipeline: 27
// launches (the add feeding the final norm is back, and the two grouped GEMMs
// with their swiglu), the plan 962816 naive bytes; the record holds
// moe-attention-block-sparsity alone, which is not a fusion pass. Each fusion
// pass's own switch brings back its part: fuse-add-rms-norm=false 23 launches,
// fuse-gate-up=false 24, fuse-qkv=false 24; an explicit fusion=true is the default, fusion=false
// wins over a pass's own true. A bad value is an error naming the option.
// RUN: ds-opt %s --ds-compile=fusion=false | FileCheck %s --check-prefix=OFF
// RUN: ds-opt %s --ds-compile=fusion=false | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=OFF-COUNT
// RUN: ds-opt %s "--ds-compile=fusion=false fuse-add-rms-norm=true fuse-gate-up=true fuse-qkv=true" | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=OFF-COUNT
// RUN: ds-opt %s --ds-compile=fuse-add-rms-norm=false | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=NO-NORM-COUNT
// RUN: ds-opt %s --ds-compile=fuse-gate-up=false | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=NO-GATE-UP-COUNT
// RUN: ds-opt %s --ds-compile=fuse-qkv=false | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=NO-QKV-COUNT
// RUN: ds-opt %s --ds-compile=fusion=true | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=COUNT
// OFF-LABEL: module attributes {kernel.target = "sm_90a", moe.max_tokens = 256 : i64, moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// OFF-LABEL: func.func @forward
// OFF-SAME: kernel.plan = #kernel.plan<max_tokens = 256, peak_bytes = 196608, naive_bytes = 962816>
// OFF-COUNT: @forward: 27 launches (27 with configs ending unbounded) 12 kinds, 30 buffers (30 with offsets)
// NO-NORM-COUNT: @forward: 23 launches (23 with configs ending unbounded) 12 kinds, 28 buffers (28 with offsets)
// NO-GATE-UP-COUNT: @forward: 24 launches (24 with configs ending unbounded) 12 kinds, 30 buffers (30 with offsets)
// NO-QKV-COUNT: @forward: 24 launches (24 with configs ending unbounded) 12 kinds, 28 buffers (28 with offsets)

// moe-attention-block-sparsity marks a windowed layer (the same layer with a
// sliding window of 8) for the kernel's tile-level ranges and records it;
// attention-block-sparsity=false leaves it unmarked and unrecorded, and
// fusion=false does not switch it off.
// RUN: sed 's/window(<global>)/window(<sliding 8>)/' %s > %t.sliding.mlir
// RUN: ds-opt %t.sliding.mlir --ds-compile | FileCheck %s --check-prefix=SPARSE
// RUN: ds-opt %t.sliding.mlir --ds-compile=fusion=false | FileCheck %s --check-prefix=SPARSE
// RUN: ds-opt %t.sliding.mlir --ds-compile=attention-block-sparsity=false | FileCheck %s --check-prefix=DENSE
// SPARSE: {name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 1 : i64}}
// SPARSE: kernel.attention {{.*}}block_sparse
// DENSE-NOT: moe-attention-block-sparsity
// DENSE: kernel.attention
// DENSE-NOT: block_sparse
// RUN: not ds-opt %s --ds-compile=fusion=maybe 2>&1 | FileCheck %s --check-prefix=BAD-VALUE
// BAD-VALUE: for the --fusion option: 'maybe' is invalid value for boolean argument

// Without moe.max_tokens the plan is made for 4096 tokens (a layer of
// examples/, at Mixtral-8x7B's real size).
// RUN: ds-opt %S/../../examples/mixtral_layer.mlir --ds-compile | FileCheck %s --check-prefix=EXAMPLE
// RUN: ds-opt %S/../../examples/mixtral_layer.mlir --ds-compile | %python %S/Inputs/planned_summary.py | FileCheck %s --check-prefix=EXAMPLE-COUNT
// EXAMPLE-LABEL: module attributes {kernel.target = "sm_90a", moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 0 : i64}}, {name = "moe-fuse-gate-up", statistics = {"grouped-pairs-fused" = 1 : i64, "linear-pairs-fused" = 0 : i64}}, {name = "moe-fuse-qkv", statistics = {"groups-fused" = 1 : i64, "linears-fused" = 3 : i64}}, {name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// EXAMPLE-LABEL: func.func @decoder_layer
// EXAMPLE-SAME: kernel.plan = #kernel.plan<max_tokens = 4096,
// 2 norm, 2 gemm (q/k/v fused by moe-fuse-qkv, and o), 2 rope, attention,
// router, dispatch, 2 grouped_gemm (the fused gate/up with its swiglu, and
// down), residual add, combine: 13 launches of 9 kinds. The layer's last add is its result, no norm follows:
// nothing for moe-fuse-add-rms-norm (0 chains recorded).
// EXAMPLE-COUNT: @decoder_layer: 13 launches (13 with configs ending unbounded) 9 kinds, 19 buffers (19 with offsets)

module attributes {moe.max_tokens = 256 : i64} {
  moe.parameter @embed : tensor<128x64xbf16> {key = "model.embed_tokens.weight"}
  moe.parameter @ln_in : tensor<64xbf16> {key = "model.layers.0.input_layernorm.weight"}
  moe.parameter @wq : tensor<64x64xbf16> {key = "model.layers.0.self_attn.q_proj.weight"}
  moe.parameter @wk : tensor<32x64xbf16> {key = "model.layers.0.self_attn.k_proj.weight"}
  moe.parameter @wv : tensor<32x64xbf16> {key = "model.layers.0.self_attn.v_proj.weight"}
  moe.parameter @wo : tensor<64x64xbf16> {key = "model.layers.0.self_attn.o_proj.weight"}
  moe.parameter @ln_post : tensor<64xbf16> {key = "model.layers.0.post_attention_layernorm.weight"}
  moe.parameter @gate : tensor<4x64xbf16> {key = "model.layers.0.mlp.gate.weight"}
  moe.parameter @w1 : tensor<4x32x64xbf16> {key = "model.layers.0.mlp.experts.*.gate_proj.weight"}
  moe.parameter @w3 : tensor<4x32x64xbf16> {key = "model.layers.0.mlp.experts.*.up_proj.weight"}
  moe.parameter @w2 : tensor<4x64x32xbf16> {key = "model.layers.0.mlp.experts.*.down_proj.weight"}
  moe.parameter @norm : tensor<64xbf16> {key = "model.norm.weight"}
  moe.parameter @lm_head : tensor<128x64xbf16> {key = "lm_head.weight"}

  func.func @forward(%ids: tensor<?xi32> {moe.name = "input_ids"}, %pos: tensor<?xi32> {moe.name = "positions"}) -> (tensor<?x128xf32> {moe.name = "logits"}) {
    %c0 = arith.constant 0 : index
    %t = tensor.dim %ids, %c0 : tensor<?xi32>
    %e = moe.load @embed : tensor<128x64xbf16>
    %x = moe.embedding %e[%ids] : tensor<128x64xbf16>, tensor<?xi32> -> tensor<?x64xbf16>
    %ln_in = moe.load @ln_in : tensor<64xbf16>
    %h = moe.rms_norm %x, %ln_in eps(1.0e-05) : tensor<?x64xbf16>, tensor<64xbf16>
    %wq = moe.load @wq : tensor<64x64xbf16>
    %wk = moe.load @wk : tensor<32x64xbf16>
    %wv = moe.load @wv : tensor<32x64xbf16>
    %q = moe.linear %h, %wq : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
    %k = moe.linear %h, %wk : tensor<?x64xbf16>, tensor<32x64xbf16> -> tensor<?x32xbf16>
    %v = moe.linear %h, %wv : tensor<?x64xbf16>, tensor<32x64xbf16> -> tensor<?x32xbf16>
    %q3 = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 16] : tensor<?x64xbf16> into tensor<?x4x16xbf16>
    %k3 = tensor.expand_shape %k [[0], [1, 2]] output_shape [%t, 2, 16] : tensor<?x32xbf16> into tensor<?x2x16xbf16>
    %v3 = tensor.expand_shape %v [[0], [1, 2]] output_shape [%t, 2, 16] : tensor<?x32xbf16> into tensor<?x2x16xbf16>
    // Partial rotary: the last 8 of each query head rotate (two slices and a
    // concat: copies).
    %q_pass = tensor.extract_slice %q3[0, 0, 0] [%t, 4, 8] [1, 1, 1] : tensor<?x4x16xbf16> to tensor<?x4x8xbf16>
    %q_rot = tensor.extract_slice %q3[0, 0, 8] [%t, 4, 8] [1, 1, 1] : tensor<?x4x16xbf16> to tensor<?x4x8xbf16>
    %q_roped = moe.rope half_split %q_rot, %pos theta(1.0e+04) : tensor<?x4x8xbf16>, tensor<?xi32>
    %q_all = tensor.concat dim(2) %q_pass, %q_roped : (tensor<?x4x8xbf16>, tensor<?x4x8xbf16>) -> tensor<?x4x16xbf16>
    %k_roped = moe.rope half_split %k3, %pos theta(1.0e+04) : tensor<?x2x16xbf16>, tensor<?xi32>
    %attn = moe.attention %q_all, %k_roped, %v3 scale(0.25) window(<global>) : tensor<?x4x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16> -> tensor<?x4x16xbf16>
    %attn2 = tensor.collapse_shape %attn [[0], [1, 2]] : tensor<?x4x16xbf16> into tensor<?x64xbf16>
    %wo = moe.load @wo : tensor<64x64xbf16>
    %o = moe.linear %attn2, %wo : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
    %ln_post = moe.load @ln_post : tensor<64xbf16>
    %resid, %h2 = moe.add_rms_norm %o, %x, %ln_post eps(1.0e-05) : tensor<?x64xbf16>, tensor<64xbf16>
    %wg = moe.load @gate : tensor<4x64xbf16>
    %weights, %experts = moe.router %h2, %wg config(<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>) : tensor<?x64xbf16>, tensor<4x64xbf16> -> tensor<?x2xbf16>, tensor<?x2xi32>
    %w1 = moe.load @w1 : tensor<4x32x64xbf16>
    %w3 = moe.load @w3 : tensor<4x32x64xbf16>
    %w2 = moe.load @w2 : tensor<4x64x32xbf16>
    %moe = moe.experts %h2, %weights, %experts, %w1, %w3, %w2 : (tensor<?x64xbf16>, tensor<?x2xbf16>, tensor<?x2xi32>, tensor<4x32x64xbf16>, tensor<4x32x64xbf16>, tensor<4x64x32xbf16>) -> tensor<?x64xbf16>
    %y = arith.addf %resid, %moe : tensor<?x64xbf16>
    // A zero bias: a fill.
    %zero = tensor.empty(%t) : tensor<?x64xbf16>
    %y2 = arith.addf %y, %zero : tensor<?x64xbf16>
    %norm = moe.load @norm : tensor<64xbf16>
    %hf = moe.rms_norm %y2, %norm eps(1.0e-05) : tensor<?x64xbf16>, tensor<64xbf16>
    %lm = moe.load @lm_head : tensor<128x64xbf16>
    %logits = moe.linear %hf, %lm : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
    %out = arith.extf %logits : tensor<?x128xbf16> to tensor<?x128xf32>
    return %out : tensor<?x128xf32>
  }
}
