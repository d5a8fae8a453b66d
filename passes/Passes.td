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

#endif // DS_PASSES_PASSES_TD
