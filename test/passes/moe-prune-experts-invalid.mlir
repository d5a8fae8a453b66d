// Bad input of moe-prune-experts: one located error naming the option and
// its value, and the pass fails.

// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0" 2>&1 | FileCheck %s --check-prefix=KEEP0
// KEEP0: moe-prune-experts-invalid.mlir:[[@LINE+41]]:1: error: 'moe-prune-experts' option 'keep' = '0': the fraction of experts kept must be in (0, 1]
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=1.5" 2>&1 | FileCheck %s --check-prefix=KEEPBIG
// KEEPBIG: error: 'moe-prune-experts' option 'keep' = '1.5': the fraction of experts kept must be in (0, 1]
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=-0.25" 2>&1 | FileCheck %s --check-prefix=KEEPNEG
// KEEPNEG: error: 'moe-prune-experts' option 'keep' = '-0.25': the fraction of experts kept must be in (0, 1]
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="keep=0.5" 2>&1 | FileCheck %s --check-prefix=NOPROFILE
// NOPROFILE: error: 'moe-prune-experts' option 'profile' = '': a routing profile (ds-interp or ds-run --profile-routing) is required

// A keep that leaves a router fewer experts than it selects.
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.125" 2>&1 | FileCheck %s --check-prefix=FEW
// FEW: moe-prune-experts-invalid.mlir:[[@LINE+34]]:16: error: 'moe-prune-experts' option 'keep' = '0.125': keeps 1 of 8 experts, which the router cannot select from: top_k (2) exceeds the number of experts (1)

// Unreadable and invalid profiles.
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.missing.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=MISSING -DFILE=%t.missing.json
// MISSING: error: 'moe-prune-experts' option 'profile' = '[[FILE]]': [[FILE]]: cannot open: No such file or directory
// RUN: echo '{"format": "ds-routing-profile", "version": 1' > %t.trunc.json
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.trunc.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: error: 'moe-prune-experts' option 'profile' = '{{.*}}trunc.json': {{.*}}trunc.json: invalid JSON: parse error at line 2, column 1: syntax error while parsing object - unexpected end of input
// RUN: echo '{"format": "tuning-table", "version": 1}' > %t.format.json
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.format.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: error: 'moe-prune-experts' option 'profile' = '{{.*}}format.json': {{.*}}format.json: format: expected "ds-routing-profile" (not a routing profile)
// RUN: echo '{"format": "ds-routing-profile", "version": 1, "runs": 1, "layers": [{"index": 0, "experts": 8, "top_k": 2, "tokens": 16, "counts": [1, 2, 3]}]}' > %t.counts.json
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.counts.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=COUNTS
// COUNTS: error: 'moe-prune-experts' option 'profile' = '{{.*}}counts.json': {{.*}}counts.json: layers[0].counts: 3 entries, expected one per expert (8)

// Profiles of another model: other layers, experts or top-k.
// RUN: echo '{"format": "ds-routing-profile", "version": 1, "runs": 1, "layers": [{"index": 0, "experts": 8, "top_k": 2, "tokens": 1, "counts": [1, 1, 0, 0, 0, 0, 0, 0]}, {"index": 1, "experts": 8, "top_k": 2, "tokens": 1, "counts": [1, 1, 0, 0, 0, 0, 0, 0]}]}' > %t.layers.json
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.layers.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=LAYERS
// LAYERS: error: 'moe-prune-experts' option 'profile' = '{{.*}}layers.json': the profile has 2 layers, the module 1 moe.router ops
// RUN: echo '{"format": "ds-routing-profile", "version": 1, "runs": 1, "layers": [{"index": 0, "experts": 4, "top_k": 2, "tokens": 1, "counts": [1, 1, 0, 0]}]}' > %t.experts.json
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.experts.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=EXPERTS
// EXPERTS: moe-prune-experts-invalid.mlir:[[@LINE+13]]:16: error: 'moe-prune-experts' option 'profile' = '{{.*}}experts.json': layers[0] has 4 experts, top-2; this router (layer 0) has 8, top-2
// RUN: echo '{"format": "ds-routing-profile", "version": 1, "runs": 1, "layers": [{"index": 0, "experts": 8, "top_k": 1, "tokens": 1, "counts": [1, 0, 0, 0, 0, 0, 0, 0]}]}' > %t.topk.json
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%t.topk.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=TOPK
// TOPK: error: 'moe-prune-experts' option 'profile' = '{{.*}}topk.json': layers[0] has 8 experts, top-1; this router (layer 0) has 8, top-2

// A router whose indices feed anything but moe.experts (the second case).
// RUN: not ds-opt %s --split-input-file --moe-prune-experts="profile=%S/Inputs/moe-prune-experts.json keep=0.5" 2>&1 | FileCheck %s --check-prefix=USE
// USE: moe-prune-experts-invalid.mlir:[[@LINE+24]]:16: error: 'moe-prune-experts' cannot prune this router: 'func.return' uses its weights or indices (only moe.experts, or moe.dispatch, moe.grouped_matmul and moe.combine, may)
// (and the last case's error, below)

module {
  func.func @layer(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
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

module {
  func.func @returned(%x: tensor<?x64xf32>) -> tensor<?x2xi32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    return %ids : tensor<?x2xi32>
  }
  moe.parameter @gate : tensor<8x64xf32> {key = "gate.weight"}
}

// -----

// The dispatched form: its expert offsets may feed only the grouped matmuls.
// USE: moe-prune-experts-invalid.mlir:[[@LINE+5]]:16: error: 'moe-prune-experts' cannot prune this router: 'func.return' reads its dispatch's expert offsets (only moe.experts, or moe.dispatch, moe.grouped_matmul and moe.combine, may)
// USE-NOT: error
module {
  func.func @offsets(%x: tensor<?x64xf32>) -> tensor<9xi32> {
    %g = moe.load @gate : tensor<8x64xf32>
    %w, %ids = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x64xf32>, tensor<8x64xf32> -> tensor<?x2xf32>, tensor<?x2xi32>
    %p, %perm, %offsets = moe.dispatch %x, %ids : tensor<?x64xf32>, tensor<?x2xi32> -> tensor<?x64xf32>, tensor<?xi32>, tensor<9xi32>
    %c = moe.combine %p, %perm, %w : tensor<?x64xf32>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x64xf32>
    return %offsets : tensor<9xi32>
  }
  moe.parameter @gate : tensor<8x64xf32> {key = "gate.weight"}
}
