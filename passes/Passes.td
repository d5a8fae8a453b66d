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

#endif // DS_PASSES_PASSES_TD
