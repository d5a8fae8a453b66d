// RUN: ds-opt %s --split-input-file --moe-fuse-add-rms-norm | FileCheck %s
// RUN: ds-opt %s --split-input-file --moe-fuse-add-rms-norm | FileCheck %s --check-prefix=RECORD

// Each run on a module appends its record to moe.passes: the first case
// fuses one chain; a second run appends a second record, with 0.
// RECORD: module attributes {moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 1 : i64}}]}
// RUN: ds-opt %s --split-input-file --moe-fuse-add-rms-norm --moe-fuse-add-rms-norm | FileCheck %s --check-prefix=TWICE
// TWICE: module attributes {moe.passes = [{name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 1 : i64}}, {name = "moe-fuse-add-rms-norm", statistics = {"chains-fused" = 0 : i64}}]}
// Nested under the module (on each func.func) the pass may not touch the
// module: it fuses, and records nothing.
// RUN: ds-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(moe-fuse-add-rms-norm))' | FileCheck %s --check-prefix=NESTED
// NESTED-NOT: moe.passes
// NESTED: moe.add_rms_norm
// NESTED-NOT: moe.passes

// The numbers on the golden models (bit-identical on the CPU reference,
// within the tolerances on the sim) and the launches saved: test/golden/fusion.test.

// The add that ends a layer feeds the next norm and is the next residual:
// one add_rms_norm gives both, where the norm was.
// CHECK-LABEL: func.func @basic
// CHECK-SAME: (%[[H:.*]]: tensor<?x64xf32>, %[[M:.*]]: tensor<?x64xf32>, %[[W:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[SUM:.*]], %[[Y:.*]] = moe.add_rms_norm %[[H]], %[[M]], %[[W]] eps(1.000000e-05) : tensor<?x64xf32>, tensor<64xf32>
// CHECK-NEXT: return %[[SUM]], %[[Y]]
// CHECK-NOT: arith.addf
func.func @basic(%h: tensor<?x64xf32>, %m: tensor<?x64xf32>, %w: tensor<64xf32>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %x = arith.addf %h, %m : tensor<?x64xf32>
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
  return %x, %y : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// The final norm: the sum has no other user.
// CHECK-LABEL: func.func @final_norm
// CHECK-NEXT: %{{.*}}, %[[Y:.*]] = moe.add_rms_norm
// CHECK-NEXT: return %[[Y]]
func.func @final_norm(%h: tensor<?x64xf32>, %m: tensor<?x64xf32>, %w: tensor<64xf32>)
    -> tensor<?x64xf32> {
  %x = arith.addf %h, %m : tensor<?x64xf32>
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// Two pre-norm layers as the importer writes them (the post-attention norms
// already fused, the input norm of layer 0 reads the embedding): the add at
// the end of layer 0 fuses into layer 1's input norm and its sum is layer 1's
// residual; the add at the end of layer 1 fuses into the final norm.
// CHECK-LABEL: func.func @two_layers
// CHECK-SAME: (%[[X0:[^:]*]]: tensor<?x64xbf16>,
// CHECK-NEXT: %[[N0:.*]] = moe.rms_norm %[[X0]], %{{.*}} eps(9.9999999999999995E-7)
// CHECK-NEXT: %[[A0:.*]] = moe.linear %[[N0]]
// CHECK-NEXT: %[[S0:.*]], %[[P0:.*]] = moe.add_rms_norm %[[A0]], %[[X0]], %{{.*}} eps(9.9999999999999995E-7)
// CHECK-NEXT: %[[F0:.*]] = moe.linear %[[P0]]
// CHECK-NEXT: %[[W1:.*]] = arith.mulf %[[WI:.*]], %[[WI]] : tensor<64xbf16>
// CHECK-NEXT: %[[X1:.*]], %[[N1:.*]] = moe.add_rms_norm %[[S0]], %[[F0]], %[[W1]] eps(9.9999999999999995E-7)
// CHECK-NEXT: %[[A1:.*]] = moe.linear %[[N1]]
// CHECK-NEXT: %[[S1:.*]], %[[P1:.*]] = moe.add_rms_norm %[[A1]], %[[X1]], %{{.*}} eps(9.9999999999999995E-7)
// CHECK-NEXT: %[[F1:.*]] = moe.linear %[[P1]]
// CHECK-NEXT: %{{.*}}, %[[N2:.*]] = moe.add_rms_norm %[[S1]], %[[F1]], %{{.*}} eps(9.9999999999999995E-7)
// CHECK-NEXT: %[[L:.*]] = moe.linear %[[N2]]
// CHECK-NEXT: return %[[L]]
func.func @two_layers(%x0: tensor<?x64xbf16>, %wi: tensor<64xbf16>, %wp: tensor<64xbf16>,
                      %wf: tensor<64xbf16>, %wa: tensor<64x64xbf16>, %wm: tensor<64x64xbf16>,
                      %head: tensor<128x64xbf16>) -> tensor<?x128xbf16> {
  %n0 = moe.rms_norm %x0, %wi eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  %a0 = moe.linear %n0, %wa : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
  %s0, %p0 = moe.add_rms_norm %a0, %x0, %wp eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  %f0 = moe.linear %p0, %wm : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
  %x1 = arith.addf %s0, %f0 : tensor<?x64xbf16>
  // A weight defined after the add (the importer's moe.load is).
  %w1 = arith.mulf %wi, %wi : tensor<64xbf16>
  %n1 = moe.rms_norm %x1, %w1 eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  %a1 = moe.linear %n1, %wa : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
  %s1, %p1 = moe.add_rms_norm %a1, %x1, %wp eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  %f1 = moe.linear %p1, %wm : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
  %x2 = arith.addf %s1, %f1 : tensor<?x64xbf16>
  %n2 = moe.rms_norm %x2, %wf eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  %l = moe.linear %n2, %head : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  return %l : tensor<?x128xbf16>
}

// -----

// bf16 activations with an f32 weight (the types of the add and the norm's
// input agree; the weight's is free, as for moe.rms_norm).
// CHECK-LABEL: func.func @bf16
// CHECK-SAME: (%[[H:.*]]: tensor<?x64xbf16>, %[[M:.*]]: tensor<?x64xbf16>, %[[W:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[SUM:.*]], %[[Y:.*]] = moe.add_rms_norm %[[H]], %[[M]], %[[W]] eps(9.9999999999999995E-7) : tensor<?x64xbf16>, tensor<64xf32>
// CHECK-NEXT: %[[Z:.*]] = arith.mulf %[[SUM]], %[[Y]] : tensor<?x64xbf16>
// CHECK-NEXT: return %[[Z]]
func.func @bf16(%h: tensor<?x64xbf16>, %m: tensor<?x64xbf16>, %w: tensor<64xf32>)
    -> tensor<?x64xbf16> {
  %x = arith.addf %h, %m : tensor<?x64xbf16>
  %y = moe.rms_norm %x, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xf32>
  %z = arith.mulf %x, %y : tensor<?x64xbf16>
  return %z : tensor<?x64xbf16>
}

// -----

// A user of the sum before the norm: the fused op takes the add's place
// (the weight is defined there).
// CHECK-LABEL: func.func @user_before_norm
// CHECK-SAME: (%[[H:.*]]: tensor<?x64xf32>, %[[M:.*]]: tensor<?x64xf32>, %[[W:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[SUM:.*]], %[[Y:.*]] = moe.add_rms_norm %[[H]], %[[M]], %[[W]]
// CHECK-NEXT: %[[Z:.*]] = arith.mulf %[[SUM]], %[[SUM]]
// CHECK-NEXT: return %[[Z]], %[[Y]]
func.func @user_before_norm(%h: tensor<?x64xf32>, %m: tensor<?x64xf32>, %w: tensor<64xf32>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %x = arith.addf %h, %m : tensor<?x64xf32>
  %z = arith.mulf %x, %x : tensor<?x64xf32>
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
  return %z, %y : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// No-op: a user of the sum before the norm and a weight defined after the
// add; neither place works.
// CHECK-LABEL: func.func @no_place
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: moe.rms_norm
// CHECK-NOT: moe.add_rms_norm
func.func @no_place(%h: tensor<?x64xf32>, %m: tensor<?x64xf32>, %w: tensor<64xf32>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %x = arith.addf %h, %m : tensor<?x64xf32>
  %z = arith.mulf %x, %x : tensor<?x64xf32>
  %w2 = arith.mulf %w, %w : tensor<64xf32>
  %y = moe.rms_norm %x, %w2 eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
  return %z, %y : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// No-op: the add has other users only.
// CHECK-LABEL: func.func @add_without_norm
// CHECK-NEXT: arith.addf
// CHECK-NEXT: moe.linear
// CHECK-NEXT: return
// CHECK-NOT: moe.add_rms_norm
func.func @add_without_norm(%h: tensor<?x64xf32>, %m: tensor<?x64xf32>,
                            %w: tensor<32x64xf32>) -> (tensor<?x64xf32>, tensor<?x32xf32>) {
  %x = arith.addf %h, %m : tensor<?x64xf32>
  %y = moe.linear %x, %w : tensor<?x64xf32>, tensor<32x64xf32> -> tensor<?x32xf32>
  return %x, %y : tensor<?x64xf32>, tensor<?x32xf32>
}

// -----

// No-op: norms of values that are no add (an argument, a product).
// CHECK-LABEL: func.func @norm_of_non_add
// CHECK-NEXT: moe.rms_norm
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: moe.rms_norm
// CHECK-NEXT: return
// CHECK-NOT: moe.add_rms_norm
func.func @norm_of_non_add(%x: tensor<?x64xf32>, %w: tensor<64xf32>)
    -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
  %p = arith.mulf %x, %y : tensor<?x64xf32>
  %z = moe.rms_norm %p, %w eps(1.0e-05) : tensor<?x64xf32>, tensor<64xf32>
  return %y, %z : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// No-op: a cast between the add and the norm is a rounding point of its own
// (f32 sum rounded to bf16, or a bf16 sum normalized in f32); fusing would
// change the numbers.
// CHECK-LABEL: func.func @dtype_mismatch
// CHECK-NEXT: arith.addf {{.*}} : tensor<?x64xf32>
// CHECK-NEXT: arith.truncf
// CHECK-NEXT: moe.rms_norm {{.*}} : tensor<?x64xbf16>, tensor<64xbf16>
// CHECK-NEXT: arith.addf {{.*}} : tensor<?x64xbf16>
// CHECK-NEXT: arith.extf
// CHECK-NEXT: moe.rms_norm {{.*}} : tensor<?x64xf32>, tensor<64xf32>
// CHECK-NEXT: return
// CHECK-NOT: moe.add_rms_norm
func.func @dtype_mismatch(%h: tensor<?x64xf32>, %m: tensor<?x64xf32>, %w: tensor<64xbf16>,
                          %hb: tensor<?x64xbf16>, %mb: tensor<?x64xbf16>, %wf: tensor<64xf32>)
    -> (tensor<?x64xbf16>, tensor<?x64xf32>) {
  %x = arith.addf %h, %m : tensor<?x64xf32>
  %xb = arith.truncf %x : tensor<?x64xf32> to tensor<?x64xbf16>
  %y = moe.rms_norm %xb, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  %s = arith.addf %hb, %mb : tensor<?x64xbf16>
  %sf = arith.extf %s : tensor<?x64xbf16> to tensor<?x64xf32>
  %z = moe.rms_norm %sf, %wf eps(1.0e-06) : tensor<?x64xf32>, tensor<64xf32>
  return %y, %z : tensor<?x64xbf16>, tensor<?x64xf32>
}
