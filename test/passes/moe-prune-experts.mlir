// RUN: ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" | FileCheck %s
// RUN: ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=1" | FileCheck %s --check-prefix=NOOP
// Each module records the experts pruned over its layers (moe.passes, shown
// by ds-run --info); keep=1 prunes none.
// RUN: ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" | FileCheck %s --check-prefix=RECORD
// RUN: ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=1" | FileCheck %s --check-prefix=RECORD-NOOP
// RECORD-COUNT-4: module attributes {moe.passes = [{name = "moe-prune-experts", statistics = {"experts-pruned" = 4 : i64, layers = 1 : i64}}]}
// RECORD-NOOP-COUNT-4: module attributes {moe.passes = [{name = "moe-prune-experts", statistics = {"experts-pruned" = 0 : i64, layers = 1 : i64}}]}

// The dispatched form (moe-dispatch-experts first) prunes to the IR that
// pruning first and dispatching after gives: the dispatch's expert offsets
// narrow to the kept experts (4 + 1), its grouped matmuls' weights with them.
// The same holds for moe-fuse-gate-up's joined gate and up weights (the
// records aside, which list the passes in the order they ran).
// RUN: ds-opt %s --split-input-file --moe-dispatch-experts --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" -o %t.dispatch-first.mlir
// RUN: ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" --moe-dispatch-experts -o %t.prune-first.mlir
// RUN: diff %t.dispatch-first.mlir %t.prune-first.mlir
// RUN: FileCheck %s --check-prefix=DISPATCH --input-file %t.dispatch-first.mlir
// DISPATCH-LABEL: func.func @greedy
// DISPATCH: moe.dispatch {{.*}} -> tensor<?x64xf32>, tensor<?xi32>, tensor<5xi32>
// DISPATCH-COUNT-2: moe.grouped_matmul {{.*}}, tensor<4x32x64xf32>, tensor<5xi32> -> tensor<?x32xf32>
// DISPATCH: moe.grouped_matmul {{.*}}, tensor<4x64x32xf32>, tensor<5xi32> -> tensor<?x64xf32>
// DISPATCH: moe.combine
// RUN: ds-opt %s --split-input-file --moe-fuse-gate-up --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" | grep -v '^module' > %t.fused-first.mlir
// RUN: ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" --moe-fuse-gate-up | grep -v '^module' > %t.fused-after.mlir
// RUN: diff %t.fused-first.mlir %t.fused-after.mlir
// RUN: FileCheck %s --check-prefix=FUSED --input-file %t.fused-first.mlir
// FUSED-LABEL: func.func @greedy
// FUSED: moe.grouped_matmul {{.*}} {swiglu} : tensor<?x64xf32>, tensor<4x64x64xf32>, tensor<5xi32> -> tensor<?x32xf32>
// FUSED: moe.parameter @w1_up : tensor<4x64x64xf32> {concat_keys = ["experts.*.w3.weight"], concat_rows = array<i64: 32, 32>, key = "experts.*.w1.weight", slices = array<i64: 1, 3, 5, 6>}

// The profile (Inputs/moe-prune-experts.json): one router of 8 experts,
// top-2, selected [3, 9, 1, 7, 0, 5, 5, 2] times. The golden models'
// numbers and the bad input are in moe-prune-experts-models.test and
// moe-prune-experts-invalid.mlir.

// CHECK-LABEL: func.func @greedy
// CHECK: %[[G:.*]] = moe.load @gate : tensor<4x64xf32>
// CHECK-NEXT: %[[W:.*]], %[[IDS:.*]] = moe.router %{{.*}}, %[[G]] config(<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>) : tensor<?x64xf32>, tensor<4x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
// CHECK-NEXT: %[[WG:.*]] = moe.load @w1 : tensor<4x32x64xf32>
// CHECK-NEXT: %[[WU:.*]] = moe.load @w3 : tensor<4x32x64xf32>
// CHECK-NEXT: %[[WD:.*]] = moe.load @w2 : tensor<4x64x32xf32>
// CHECK-NEXT: moe.experts %{{.*}}, %[[W]], %[[IDS]], %[[WG]], %[[WU]], %[[WD]] : (tensor<?x64xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x32x64xf32>, tensor<4x32x64xf32>, tensor<4x64x32xf32>) -> tensor<?x64xf32>
// CHECK: moe.parameter @gate : tensor<4x64xf32> {key = "gate.weight", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NEXT: moe.parameter @w1 : tensor<4x32x64xf32> {key = "experts.*.w1.weight", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NEXT: moe.parameter @w3 : tensor<4x32x64xf32> {key = "experts.*.w3.weight", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NEXT: moe.parameter @w2 : tensor<4x64x32xf32> {key = "experts.*.w2.weight", slices = array<i64: 1, 3, 5, 6>}

// The no-op: keep=1 checks the profile and changes nothing.
// NOOP-LABEL: func.func @greedy
// NOOP: moe.load @gate : tensor<8x64xf32>
// NOOP: moe.experts {{.*}} tensor<8x32x64xf32>, tensor<8x32x64xf32>, tensor<8x64x32xf32>) -> tensor<?x64xf32>
// NOOP: moe.parameter @gate : tensor<8x64xf32> {key = "gate.weight"}
// NOOP-NOT: slices
// NOOP-LABEL: func.func @grouped

// Greedy selection over stacked per-expert weights: the 4 most selected
// experts (1: 9, 3: 7, 5 and 6: 5 each, the tie to the lower index over 0: 3)
// are renumbered 0 .. 3.
module {
  func.func @greedy(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2, norm_topk_prob = true>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    %wg = moe.load @w1 : tensor<8x32x64xf32>
    %wu = moe.load @w3 : tensor<8x32x64xf32>
    %wd = moe.load @w2 : tensor<8x64x32xf32>
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x64xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x32x64xf32>, tensor<8x32x64xf32>, tensor<8x64x32xf32>) -> tensor<?x64xf32>
    return %y : tensor<?x64xf32>
  }
  moe.parameter @gate : tensor<8x64xf32> {key = "gate.weight"}
  moe.parameter @w1 : tensor<8x32x64xf32> {key = "experts.*.w1.weight"}
  moe.parameter @w3 : tensor<8x32x64xf32> {key = "experts.*.w3.weight"}
  moe.parameter @w2 : tensor<8x64x32xf32> {key = "experts.*.w2.weight"}
}

// -----

// CHECK-LABEL: func.func @grouped
// CHECK: moe.load @gate : tensor<4x64xf32>
// CHECK-NEXT: moe.load @bias : tensor<4xf32>
// CHECK-NEXT: moe.router {{.*}} bias(%{{.*}} : tensor<4xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 2, norm_topk_prob = true>) : tensor<?x64xf32>, tensor<4x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
// CHECK: moe.parameter @gate : tensor<4x64xf32> {key = "gate.weight", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NEXT: moe.parameter @bias : tensor<4xf32> {key = "gate.e_score_correction_bias", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NEXT: moe.parameter @w1 : tensor<4x32x64xf32> {key = "experts.*.w1.weight", slices = array<i64: 1, 3, 5, 6>}

// noaux_tc with 2 groups of 4: each group keeps its 2 most selected (1, 3 and
// 5, 6), the correction bias with them.
module {
  func.func @grouped(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %b = moe.load @bias : tensor<8xf32>
    %w, %ids = moe.router %x, %g bias(%b : tensor<8xf32>) config(<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 2, topk_group = 1, norm_topk_prob = true>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    %wg = moe.load @w1 : tensor<8x32x64xf32>
    %wu = moe.load @w3 : tensor<8x32x64xf32>
    %wd = moe.load @w2 : tensor<8x64x32xf32>
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x64xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x32x64xf32>, tensor<8x32x64xf32>, tensor<8x64x32xf32>) -> tensor<?x64xf32>
    return %y : tensor<?x64xf32>
  }
  moe.parameter @gate : tensor<8x64xf32> {key = "gate.weight"}
  moe.parameter @bias : tensor<8xf32> {key = "gate.e_score_correction_bias"}
  moe.parameter @w1 : tensor<8x32x64xf32> {key = "experts.*.w1.weight"}
  moe.parameter @w3 : tensor<8x32x64xf32> {key = "experts.*.w3.weight"}
  moe.parameter @w2 : tensor<8x64x32xf32> {key = "experts.*.w2.weight"}
}

// -----

// CHECK-LABEL: func.func @fused
// CHECK: %[[GU:.*]] = moe.load @gate_up : tensor<4x64x64xf32>
// CHECK-NEXT: tensor.extract_slice %[[GU]][0, 0, 0] [4, 32, 64] [1, 1, 1] : tensor<4x64x64xf32> to tensor<4x32x64xf32>
// CHECK-NEXT: tensor.extract_slice %[[GU]][0, 32, 0] [4, 32, 64] [1, 1, 1] : tensor<4x64x64xf32> to tensor<4x32x64xf32>
// CHECK-NEXT: moe.load @down : tensor<4x64x32xf32>
// CHECK: moe.parameter @gate_up : tensor<4x64x64xf32> {key = "mlp.experts.gate_up_proj", slices = array<i64: 1, 3, 5, 6>}
// CHECK-NEXT: moe.parameter @down : tensor<4x64x32xf32> {key = "mlp.experts.down_proj", slices = array<i64: 1, 3, 5, 6>}

// The fused layout: one gate_up tensor, sliced into gate and up; both slices
// and the one load narrow, and the parameter reads the kept rows.
module {
  func.func @fused(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    %gu = moe.load @gate_up : tensor<8x64x64xf32>
    %wg = tensor.extract_slice %gu[0, 0, 0] [8, 32, 64] [1, 1, 1] : tensor<8x64x64xf32> to tensor<8x32x64xf32>
    %wu = tensor.extract_slice %gu[0, 32, 0] [8, 32, 64] [1, 1, 1] : tensor<8x64x64xf32> to tensor<8x32x64xf32>
    %wd = moe.load @down : tensor<8x64x32xf32>
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x64xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x32x64xf32>, tensor<8x32x64xf32>, tensor<8x64x32xf32>) -> tensor<?x64xf32>
    return %y : tensor<?x64xf32>
  }
  moe.parameter @gate : tensor<8x64xf32> {key = "mlp.gate.weight"}
  moe.parameter @gate_up : tensor<8x64x64xf32> {key = "mlp.experts.gate_up_proj"}
  moe.parameter @down : tensor<8x64x32xf32> {key = "mlp.experts.down_proj"}
}

// -----

// CHECK-LABEL: func.func @again
// CHECK: moe.parameter @gate : tensor<4x64xf32> {key = "gate.weight", slices = array<i64: 2, 6, 10, 12>}
// CHECK-NEXT: moe.parameter @w1 : tensor<4x32x64xf32> {key = "experts.*.w1.weight", slices = array<i64: 2, 6, 10, 12>}

// A parameter pruned before: the kept entries compose with its slices.
module {
  func.func @again(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    %wg = moe.load @w1 : tensor<8x32x64xf32>
    %wu = moe.load @w3 : tensor<8x32x64xf32>
    %wd = moe.load @w2 : tensor<8x64x32xf32>
    %y = moe.experts %x, %w, %ids, %wg, %wu, %wd : (tensor<?x64xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x32x64xf32>, tensor<8x32x64xf32>, tensor<8x64x32xf32>) -> tensor<?x64xf32>
    return %y : tensor<?x64xf32>
  }
  moe.parameter @gate : tensor<8x64xf32> {key = "gate.weight", slices = array<i64: 0, 2, 4, 6, 8, 10, 12, 14>}
  moe.parameter @w1 : tensor<8x32x64xf32> {key = "experts.*.w1.weight", slices = array<i64: 0, 2, 4, 6, 8, 10, 12, 14>}
  moe.parameter @w3 : tensor<8x32x64xf32> {key = "experts.*.w3.weight", slices = array<i64: 0, 2, 4, 6, 8, 10, 12, 14>}
  moe.parameter @w2 : tensor<8x64x32xf32> {key = "experts.*.w2.weight", slices = array<i64: 0, 2, 4, 6, 8, 10, 12, 14>}
}
