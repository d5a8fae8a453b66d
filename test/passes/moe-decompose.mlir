// RUN: ds-opt %s --split-input-file --moe-decompose | FileCheck %s

// Numerics: a golden model with every composite op decomposed keeps its
// logits bit for bit on the CPU reference.
// RUN: ds-import %ds_src_root/test/golden/mixtral_bf16/config.json -o %t.m.mlir
// RUN: ds-opt %t.m.mlir --moe-decompose -o %t.m.simple.mlir
// RUN: ds-interp %t.m.mlir --weights %ds_src_root/test/golden/mixtral_bf16 --inputs %ds_src_root/test/golden/mixtral_bf16/inputs.safetensors -o %t.m.out
// RUN: ds-interp %t.m.simple.mlir --weights %ds_src_root/test/golden/mixtral_bf16 --inputs %ds_src_root/test/golden/mixtral_bf16/inputs.safetensors -o %t.m.simple.out
// RUN: %python %ds_src_root/test/golden/compare.py %t.m.simple.out %t.m.out --rtol 0 | FileCheck %s --check-prefix=SAME
// RUN: FileCheck %s --check-prefix=SIMPLE --implicit-check-not="moe.add_rms_norm %" --implicit-check-not="moe.experts %" < %t.m.simple.mlir
// SAME: PASS logits[20, 128]: max abs error 0.000e+00
// SIMPLE-COUNT-2: moe.dispatch

// CHECK-LABEL: func.func @add_rms_norm
// CHECK-SAME: (%[[A:.*]]: tensor<?x64xbf16>, %[[R:.*]]: tensor<?x64xbf16>, %[[W:.*]]: tensor<64xbf16>)
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[A]], %[[R]] : tensor<?x64xbf16>
// CHECK-NEXT: %[[Y:.*]] = moe.rms_norm %[[SUM]], %[[W]] eps(9.9999999999999995E-7) : tensor<?x64xbf16>, tensor<64xbf16>
// CHECK-NEXT: return %[[SUM]], %[[Y]]
func.func @add_rms_norm(%a: tensor<?x64xbf16>, %r: tensor<?x64xbf16>, %w: tensor<64xbf16>)
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %sum, %y = moe.add_rms_norm %a, %r, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  return %sum, %y : tensor<?x64xbf16>, tensor<?x64xbf16>
}

// -----

// experts decompose into their sparse form (as moe-dispatch-experts).
// CHECK-LABEL: func.func @experts
// CHECK-NEXT: moe.dispatch
// CHECK-NEXT: moe.grouped_matmul
// CHECK-NEXT: moe.grouped_matmul
// CHECK-NEXT: moe.swiglu
// CHECK-NEXT: moe.grouped_matmul
// CHECK-NEXT: moe.combine
// CHECK-NEXT: return
func.func @experts(%x: tensor<?x16xf32>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                   %wg: tensor<4x8x16xf32>, %wd: tensor<4x16x8xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %w, %ids, %wg, %wg, %wd
      : (tensor<?x16xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x8x16xf32>,
         tensor<4x8x16xf32>, tensor<4x16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Simple ops stay.
// CHECK-LABEL: func.func @simple
// CHECK-NEXT: moe.rms_norm
// CHECK-NEXT: return
func.func @simple(%x: tensor<?x16xf32>, %w: tensor<16xf32>) -> tensor<?x16xf32> {
  %y = moe.rms_norm %x, %w eps(1.0e-05) : tensor<?x16xf32>, tensor<16xf32>
  return %y : tensor<?x16xf32>
}
