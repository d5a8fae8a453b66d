// Bad `policy` values: one located error at the module naming the option
// and its value, and the pass fails.

// RUN: not ds-opt %s --moe-attention-window=policy=windowed 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: moe-attention-window-invalid.mlir:[[@LINE+54]]:1: error: 'moe-attention-window' option 'policy' = 'windowed': expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=uniform 2>&1 | FileCheck %s --check-prefix=NOARG
// NOARG: error: 'moe-attention-window' option 'policy' = 'uniform': expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=uniform=4:2 2>&1 | FileCheck %s --check-prefix=FIELDS
// FIELDS: error: 'moe-attention-window' option 'policy' = 'uniform=4:2': expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=local-global=4 2>&1 | FileCheck %s --check-prefix=LGFIELDS
// LGFIELDS: error: 'moe-attention-window' option 'policy' = 'local-global=4': expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=uniform=four 2>&1 | FileCheck %s --check-prefix=NOTINT
// NOTINT: error: 'moe-attention-window' option 'policy' = 'uniform=four': 'four' is not an integer; expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=local-global=4:2: 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: 'moe-attention-window' option 'policy' = 'local-global=4:2:': '' is not an integer
// RUN: not ds-opt %s --moe-attention-window=policy=uniform=0 2>&1 | FileCheck %s --check-prefix=W0
// W0: error: 'moe-attention-window' option 'policy' = 'uniform=0': the window W must be >= 1, got 0
// RUN: not ds-opt %s --moe-attention-window=policy=local-global=-3:2 2>&1 | FileCheck %s --check-prefix=WNEG
// WNEG: error: 'moe-attention-window' option 'policy' = 'local-global=-3:2': the window W must be >= 1, got -3
// RUN: not ds-opt %s --moe-attention-window=policy=local-global=4:0 2>&1 | FileCheck %s --check-prefix=N0
// N0: error: 'moe-attention-window' option 'policy' = 'local-global=4:0': every n-th layer is global: n must be >= 1, got 0
// RUN: not ds-opt %s --moe-attention-window=policy=local-global=4:2:0 2>&1 | FileCheck %s --check-prefix=G0
// G0: error: 'moe-attention-window' option 'policy' = 'local-global=4:2:0': the sinks must be >= 1, got 0
// RUN: not ds-opt %s --moe-attention-window=policy=uniform=129 2>&1 | FileCheck %s --check-prefix=BIG
// BIG: error: 'moe-attention-window' option 'policy' = 'uniform=129': the window 129 is larger than the model's 128 positions (max_position_embeddings of the model)
// RUN: not ds-opt %s --moe-attention-window=policy=local-global=8:2:200 2>&1 | FileCheck %s --check-prefix=BIGSINKS
// BIGSINKS: error: 'moe-attention-window' option 'policy' = 'local-global=8:2:200': the sink count 200 is larger than the model's 128 positions (max_position_embeddings of the model)
// adaptive=W:L[:G]: two or three fields, W, L and G >= 1, none above the
// positions.
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4 2>&1 | FileCheck %s --check-prefix=AFIELDS
// AFIELDS: error: 'moe-attention-window' option 'policy' = 'adaptive=4': expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4:16:1:1 2>&1 | FileCheck %s --check-prefix=AFIELDS4
// AFIELDS4: error: 'moe-attention-window' option 'policy' = 'adaptive=4:16:1:1': expected 'config', 'uniform=W', 'local-global=W:n[:sinks]' or 'adaptive=W:L[:sinks]'
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4:long 2>&1 | FileCheck %s --check-prefix=ANOTINT
// ANOTINT: error: 'moe-attention-window' option 'policy' = 'adaptive=4:long': 'long' is not an integer
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=0:16 2>&1 | FileCheck %s --check-prefix=AW0
// AW0: error: 'moe-attention-window' option 'policy' = 'adaptive=0:16': the window W must be >= 1, got 0
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4:0 2>&1 | FileCheck %s --check-prefix=AL0
// AL0: error: 'moe-attention-window' option 'policy' = 'adaptive=4:0': up to L keys a layer is global: L must be >= 1, got 0
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4:16:0 2>&1 | FileCheck %s --check-prefix=AG0
// AG0: error: 'moe-attention-window' option 'policy' = 'adaptive=4:16:0': the sinks must be >= 1, got 0
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=129:16 2>&1 | FileCheck %s --check-prefix=ABIGW
// ABIGW: error: 'moe-attention-window' option 'policy' = 'adaptive=129:16': the window 129 is larger than the model's 128 positions (max_position_embeddings of the model)
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4:200 2>&1 | FileCheck %s --check-prefix=ABIGL
// ABIGL: error: 'moe-attention-window' option 'policy' = 'adaptive=4:200': the threshold 200 is larger than the model's 128 positions (max_position_embeddings of the model)
// RUN: not ds-opt %s --moe-attention-window=policy=adaptive=4:16:129 2>&1 | FileCheck %s --check-prefix=ABIGG
// ABIGG: error: 'moe-attention-window' option 'policy' = 'adaptive=4:16:129': the sink count 129 is larger than the model's 128 positions (max_position_embeddings of the model)

// Without max_position_embeddings the bound is moe.max_tokens (the second
// case of moe-attention-window.mlir); a module with neither has no bound.
// RUN: not ds-opt %S/moe-attention-window.mlir --split-input-file --moe-attention-window=policy=uniform=65 2>&1 | FileCheck %s --check-prefix=TOKENS
// TOKENS: moe-attention-window.mlir:{{[0-9]+}}:1: error: 'moe-attention-window' option 'policy' = 'uniform=65': the window 65 is larger than the model's 64 positions (--max-tokens of the import)
// TOKENS-NOT: error

// The bound itself is a valid window.
// RUN: ds-opt %s --moe-attention-window=policy=uniform=128 | FileCheck %s --check-prefix=EDGE
// EDGE: window(<sliding 128>)

module attributes {moe.config = {max_position_embeddings = 128 : i64}} {
  func.func @layer(%q: tensor<?x4x16xf32>, %k: tensor<?x2x16xf32>,
                   %v: tensor<?x2x16xf32>) -> tensor<?x4x16xf32> {
    %a = moe.attention %q, %k, %v scale(0.25) window(<global>)
        : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
    return %a : tensor<?x4x16xf32>
  }
}
