// RUN: ds-opt %s --split-input-file --kernel-plan-buffers | FileCheck %s
// RUN: ds-opt %s --split-input-file --kernel-plan-buffers=summary=true \
// RUN:   -o /dev/null | FileCheck %s --check-prefix=SUMMARY
// RUN: ds-opt %s --split-input-file --kernel-plan-buffers=max-tokens=16 \
// RUN:   | FileCheck %s --check-prefix=T16

// A chain: %c takes %a's place once %a is dead. Each buffer is 256 bytes
// per token; the peak is two of them, the naive sum three.

// CHECK-LABEL: func.func @chain
// CHECK-SAME: kernel.plan = #kernel.plan<max_tokens = 4096, peak_bytes = 2097152, naive_bytes = 3145728>
// CHECK: %[[A:.*]] = kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
// CHECK: %[[B:.*]] = kernel.buffer tokens(1) {offset = array<i64: 256, 0>}
// CHECK: %[[C:.*]] = kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
// SUMMARY: kernel-plan-buffers: @chain: 3 buffers in 3 slots; peak 2097152 bytes (2.0 MiB) at T = 4096, naive 3145728 bytes (3.0 MiB), 1.50x
// T16: #kernel.plan<max_tokens = 16, peak_bytes = 8192, naive_bytes = 12288>
moe.parameter @w : tensor<64xf32>
func.func @chain(%x: memref<?x64xf32>) -> memref<?x64xf32> {
  %w = kernel.weight @w : memref<64xf32>
  %a = kernel.buffer tokens(1) : memref<?x64xf32>
  %b = kernel.buffer tokens(1) : memref<?x64xf32>
  %c = kernel.buffer tokens(1) : memref<?x64xf32>
  kernel.norm ins(%x, %w : memref<?x64xf32>, memref<64xf32>) outs(%a : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  kernel.norm ins(%a, %w : memref<?x64xf32>, memref<64xf32>) outs(%b : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  kernel.norm ins(%b, %w : memref<?x64xf32>, memref<64xf32>) outs(%c : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  return %c : memref<?x64xf32>
}

// -----

// In place: the elementwise op's out takes the slot of the in that dies at
// it; the plan is one buffer.

// CHECK-LABEL: func.func @in_place
// CHECK-SAME: peak_bytes = 1048576, naive_bytes = 2097152
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
// SUMMARY: @in_place: 2 buffers in 1 slots
moe.parameter @w : tensor<64xf32>
func.func @in_place(%x: memref<?x64xf32>) -> memref<?x64xf32> {
  %w = kernel.weight @w : memref<64xf32>
  %a = kernel.buffer tokens(1) : memref<?x64xf32>
  %b = kernel.buffer tokens(1) : memref<?x64xf32>
  kernel.norm ins(%x, %w : memref<?x64xf32>, memref<64xf32>) outs(%a : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  kernel.elementwise neg ins(%a : memref<?x64xf32>) outs(%b : memref<?x64xf32>)
  return %b : memref<?x64xf32>
}

// -----

// No in place when the in is still read later: %a is an operand of the add,
// so the negation's %b gets a slot of its own; the add, where %a dies, writes
// %c in %a's place.

// CHECK-LABEL: func.func @live_in
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 256, 0>}
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
moe.parameter @w : tensor<64xf32>
func.func @live_in(%x: memref<?x64xf32>) -> memref<?x64xf32> {
  %w = kernel.weight @w : memref<64xf32>
  %a = kernel.buffer tokens(1) : memref<?x64xf32>
  %b = kernel.buffer tokens(1) : memref<?x64xf32>
  %c = kernel.buffer tokens(1) : memref<?x64xf32>
  kernel.norm ins(%x, %w : memref<?x64xf32>, memref<64xf32>) outs(%a : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  kernel.elementwise neg ins(%a : memref<?x64xf32>) outs(%b : memref<?x64xf32>)
  kernel.elementwise add ins(%a, %b : memref<?x64xf32>, memref<?x64xf32>) outs(%c : memref<?x64xf32>)
  return %c : memref<?x64xf32>
}

// -----

// A view keeps its source alive: %a is read through %f by the GEMM, so %b
// (written while %a is live) cannot take its place; %c can, once %a dies.

// CHECK-LABEL: func.func @view
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 0, 0>}
// CHECK: kernel.view
// CHECK: kernel.view
// CHECK: kernel.buffer tokens(1) {offset = array<i64: 256, 0>}
// CHECK: kernel.buffer tokens(4) {offset = array<i64: 256, 0>}
moe.parameter @w : tensor<64xf32>
moe.parameter @p : tensor<16x16xf32>
func.func @view(%x: memref<?x64xf32>) -> memref<?x16xf32> {
  %w = kernel.weight @w : memref<64xf32>
  %p = kernel.weight @p : memref<16x16xf32>
  %a = kernel.buffer tokens(1) : memref<?x64xf32>
  %v = kernel.view %a [0] : memref<?x64xf32> to memref<?x4x16xf32>
  %f = kernel.view %v [0] : memref<?x4x16xf32> to memref<?x16xf32>
  %b = kernel.buffer tokens(1) : memref<?x64xf32>
  %c = kernel.buffer tokens(4) : memref<?x16xf32>
  kernel.norm ins(%x, %w : memref<?x64xf32>, memref<64xf32>) outs(%a : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  kernel.norm ins(%x, %w : memref<?x64xf32>, memref<64xf32>) outs(%b : memref<?x64xf32>) {eps = 1.0e-06 : f64}
  kernel.gemm ins(%f, %p : memref<?x16xf32>, memref<16x16xf32>) outs(%c : memref<?x16xf32>) {epilogue = #kernel.epilogue<bias = false>}
  return %c : memref<?x16xf32>
}

// -----

// Per-token and fixed sizes together: the static offsets buffer (36 bytes,
// rounded to 256) and the rows of a top-2 dispatch (2·T rows of 256 bytes)
// never overlap for any T.

// CHECK-LABEL: func.func @mixed
// CHECK: kernel.buffer tokens(2) {offset = array<i64: 0, 0>} : memref<?x64xf32>
// CHECK: kernel.buffer tokens(2) {offset = array<i64: 512, 0>} : memref<?xi32>
// CHECK: kernel.buffer {offset = array<i64: 528, 0>} : memref<9xi32>
func.func @mixed(%x: memref<?x64xf32>, %ids: memref<?x2xi32>) -> (memref<?x64xf32>, memref<?xi32>, memref<9xi32>) {
  %rows = kernel.buffer tokens(2) : memref<?x64xf32>
  %perm = kernel.buffer tokens(2) : memref<?xi32>
  %offsets = kernel.buffer : memref<9xi32>
  kernel.dispatch ins(%x, %ids : memref<?x64xf32>, memref<?x2xi32>)
                  outs(%rows, %perm, %offsets : memref<?x64xf32>, memref<?xi32>, memref<9xi32>)
  return %rows, %perm, %offsets : memref<?x64xf32>, memref<?xi32>, memref<9xi32>
}
