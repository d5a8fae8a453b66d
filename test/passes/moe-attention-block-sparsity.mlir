// RUN: ds-opt %s --split-input-file --moe-attention-block-sparsity | FileCheck %s
// Each module records the windowed layers it marked (moe.passes, shown by
// ds-run --info): the cases below in order.
// RUN: ds-opt %s --split-input-file --moe-attention-block-sparsity | FileCheck %s --check-prefix=RECORD
// RECORD: module attributes {moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 3 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 1 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 1 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 0 : i64}}]}
// RECORD: module attributes {moe.passes = [{name = "moe-attention-block-sparsity", statistics = {"windowed-layers-marked" = 2 : i64}}]}
// Running it twice changes nothing more.
// RUN: ds-opt %s --split-input-file --moe-attention-block-sparsity --moe-attention-block-sparsity | FileCheck %s
// The flag survives the lowering: kernel.attention carries it.
// RUN: ds-opt %s --split-input-file --moe-attention-block-sparsity --moe-lower-to-kernels | FileCheck %s --check-prefix=KERNEL
// Without the pass no op is marked, before or after the lowering.
// RUN: ds-opt %s --split-input-file --moe-lower-to-kernels | FileCheck %s --check-prefix=NONE

// Every windowed layer is marked; global attention is left alone (it visits
// the causal tiles in both schedules). The other operands and attributes
// are kept.

// CHECK-LABEL: func.func @four_layers
// CHECK: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<sliding 8>) block_sparse : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
// CHECK-NEXT: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<global>) : tensor<?x4x16xf32>
// CHECK-NEXT: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<chunked 16>) block_sparse : tensor<?x4x16xf32>
// CHECK-NEXT: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<local_global 8, sinks 2>) block_sparse : tensor<?x4x16xf32>
// CHECK-NEXT: return

// KERNEL-LABEL: func.func @four_layers
// KERNEL: kernel.attention {{.*}} {block_sparse, scale = 2.500000e-01 : f64, window = #moe.window<sliding 8>}
// KERNEL: kernel.attention {{.*}} {scale = 2.500000e-01 : f64, window = #moe.window<global>}
// KERNEL: kernel.attention {{.*}} {block_sparse, scale = 2.500000e-01 : f64, window = #moe.window<chunked 16>}
// KERNEL: kernel.attention {{.*}} {block_sparse, scale = 2.500000e-01 : f64, window = #moe.window<local_global 8, sinks 2>}

// NONE-LABEL: func.func @four_layers
// NONE-COUNT-4: kernel.attention {{.*}} {scale =
// NONE-NOT: kernel.attention
func.func @four_layers(%q: tensor<?x4x16xf32>, %k: tensor<?x2x16xf32>,
                       %v: tensor<?x2x16xf32>) -> tensor<?x4x16xf32> {
  %a = moe.attention %q, %k, %v scale(0.25) window(<sliding 8>)
      : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
  %b = moe.attention %a, %k, %v scale(0.25) window(<global>)
      : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
  %c = moe.attention %b, %k, %v scale(0.25) window(<chunked 16>)
      : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
  %d = moe.attention %c, %k, %v scale(0.25) window(<local_global 8, sinks 2>)
      : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x16xf32> -> tensor<?x4x16xf32>
  return %d : tensor<?x4x16xf32>
}

// -----

// MLA: the shared rope key and the scale are kept.

// CHECK-LABEL: func.func @mla
// CHECK: moe.attention %{{.*}}, %{{.*}}, %{{.*}} shared_key(%{{.*}} : tensor<?x8xbf16>) scale(1.250000e-01) window(<sliding 32>) block_sparse : tensor<?x4x24xbf16>, tensor<?x4x16xbf16>, tensor<?x4x16xbf16> -> tensor<?x4x16xbf16>

// NONE-LABEL: func.func @mla
// NONE: kernel.attention {{.*}} {scale = 1.250000e-01 : f64, window = #moe.window<sliding 32>}

// KERNEL-LABEL: func.func @mla
// KERNEL: kernel.attention ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<?x4x24xbf16>, memref<?x4x16xbf16>, memref<?x4x16xbf16>, memref<?x8xbf16>) outs(%{{.*}} : memref<?x4x16xbf16>) {block_sparse, scale = 1.250000e-01 : f64, window = #moe.window<sliding 32>}
func.func @mla(%q: tensor<?x4x24xbf16>, %k: tensor<?x4x16xbf16>,
               %v: tensor<?x4x16xbf16>, %kpe: tensor<?x8xbf16>)
    -> tensor<?x4x16xbf16> {
  %o = moe.attention %q, %k, %v shared_key(%kpe : tensor<?x8xbf16>)
      scale(0.125) window(<sliding 32>)
      : tensor<?x4x24xbf16>, tensor<?x4x16xbf16>, tensor<?x4x16xbf16> -> tensor<?x4x16xbf16>
  return %o : tensor<?x4x16xbf16>
}

// -----

// No-op: only global attention, nothing to skip.

// CHECK-LABEL: func.func @global_only
// CHECK-NOT: block_sparse
// CHECK: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<global>) : tensor<?x2x16xbf16>
// CHECK-NEXT: return
func.func @global_only(%q: tensor<?x2x16xbf16>, %k: tensor<?x2x16xbf16>,
                       %v: tensor<?x2x16xbf16>) -> tensor<?x2x16xbf16> {
  %o = moe.attention %q, %k, %v scale(0.25) window(<global>)
      : tensor<?x2x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16> -> tensor<?x2x16xbf16>
  return %o : tensor<?x2x16xbf16>
}

// -----

// No-op: an op already marked stays as it is (a hand-written flag on a
// global window included: the same tiles either way).

// CHECK-LABEL: func.func @already_marked
// CHECK: window(<sliding 4>) block_sparse :
// CHECK: window(<global>) block_sparse :
// CHECK-NEXT: return
func.func @already_marked(%q: tensor<?x2x16xbf16>, %k: tensor<?x2x16xbf16>,
                          %v: tensor<?x2x16xbf16>) -> tensor<?x2x16xbf16> {
  %a = moe.attention %q, %k, %v scale(0.25) window(<sliding 4>) block_sparse
      : tensor<?x2x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16> -> tensor<?x2x16xbf16>
  %b = moe.attention %a, %k, %v scale(0.25) window(<global>) block_sparse
      : tensor<?x2x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16> -> tensor<?x2x16xbf16>
  return %b : tensor<?x2x16xbf16>
}

// -----

// No-op: no attention at all.

// CHECK-LABEL: func.func @no_attention
// CHECK-NEXT: %[[Y:.*]] = moe.rms_norm
// CHECK-NEXT: return %[[Y]]
func.func @no_attention(%x: tensor<?x64xbf16>, %w: tensor<64xbf16>)
    -> tensor<?x64xbf16> {
  %y = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// An adaptive window is marked: its sliding regime skips tiles (the kernel
// of each launch variant gets the resolved window; the global regime visits
// the causal tiles either way).

// CHECK-LABEL: func.func @adaptive
// CHECK: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<adaptive 4, threshold 16>) block_sparse :
// CHECK-NEXT: moe.attention %{{.*}}, %{{.*}}, %{{.*}} scale(2.500000e-01) window(<adaptive 4, threshold 16, sinks 2>) block_sparse :
// CHECK-NEXT: return
// KERNEL-LABEL: func.func @adaptive
// KERNEL: kernel.attention {{.*}} {block_sparse, scale = 2.500000e-01 : f64, window = #moe.window<adaptive 4, threshold 16>}
// KERNEL: kernel.attention {{.*}} {block_sparse, scale = 2.500000e-01 : f64, window = #moe.window<adaptive 4, threshold 16, sinks 2>}
func.func @adaptive(%q: tensor<?x2x16xbf16>, %k: tensor<?x2x16xbf16>,
                    %v: tensor<?x2x16xbf16>) -> tensor<?x2x16xbf16> {
  %a = moe.attention %q, %k, %v scale(0.25) window(<adaptive 4, threshold 16>)
      : tensor<?x2x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16> -> tensor<?x2x16xbf16>
  %b = moe.attention %a, %k, %v scale(0.25) window(<adaptive 4, threshold 16, sinks 2>)
      : tensor<?x2x16xbf16>, tensor<?x2x16xbf16>, tensor<?x2x16xbf16> -> tensor<?x2x16xbf16>
  return %b : tensor<?x2x16xbf16>
}
