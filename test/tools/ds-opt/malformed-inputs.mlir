// Malformed files: ds-opt exits non-zero with a located `error:`, never
// crashes. `not` fails when the tool crashes instead of failing cleanly.

// RUN: not ds-opt %S/Inputs/garbage.mlir 2>&1 | FileCheck %s --check-prefix=GARBAGE
// GARBAGE: garbage.mlir:1:{{[0-9]+}}: error:

// RUN: not ds-opt %S/Inputs/truncated.mlir 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: truncated.mlir:{{[0-9]+}}:{{[0-9]+}}: error:

// RUN: not ds-opt %S/Inputs/does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: does-not-exist.mlir

// RUN: printf '' | ds-opt - | FileCheck %s --check-prefix=EMPTY
// EMPTY: module {

// Hundreds of truncated and corrupted copies of the example model.
// RUN: %python %S/Inputs/mutate.py ds-opt %ds_src_root/examples/deepseek_v3_layer.mlir %t | FileCheck %s --check-prefix=MUTATE
// MUTATE: 180 cases, {{[0-9]+}} rejected with a located error, 0 failures
// RUN: %python %S/Inputs/mutate.py ds-opt %ds_src_root/examples/mixtral_layer.mlir %t.mixtral | FileCheck %s --check-prefix=MUTATE
