// RUN: ds-opt %s --split-input-file --moe-dispatch-experts | FileCheck %s

// Numerics: the pass keeps the logits of golden models bit for bit on the
// CPU reference (fp32 and bf16, per-expert and grouped routers).
// RUN: ds-import %ds_src_root/test/golden/qwen2_moe/config.json -o %t.q.mlir
// RUN: ds-opt %t.q.mlir --moe-dispatch-experts -o %t.q.sparse.mlir
// RUN: ds-interp %t.q.mlir --weights %ds_src_root/test/golden/qwen2_moe --inputs %ds_src_root/test/golden/qwen2_moe/inputs.safetensors -o %t.q.dense.out
// RUN: ds-interp %t.q.sparse.mlir --weights %ds_src_root/test/golden/qwen2_moe --inputs %ds_src_root/test/golden/qwen2_moe/inputs.safetensors -o %t.q.sparse.out
// RUN: %python %ds_src_root/test/golden/compare.py %t.q.sparse.out %t.q.dense.out --rtol 0 | FileCheck %s --check-prefix=SAME
// RUN: ds-import %ds_src_root/test/golden/deepseek_v3_bf16/config.json -o %t.v3.mlir
// RUN: ds-opt %t.v3.mlir --moe-dispatch-experts -o %t.v3.sparse.mlir
// RUN: ds-interp %t.v3.mlir --weights %ds_src_root/test/golden/deepseek_v3_bf16 --inputs %ds_src_root/test/golden/deepseek_v3_bf16/inputs.safetensors -o %t.v3.dense.out
// RUN: ds-interp %t.v3.sparse.mlir --weights %ds_src_root/test/golden/deepseek_v3_bf16 --inputs %ds_src_root/test/golden/deepseek_v3_bf16/inputs.safetensors -o %t.v3.sparse.out
// RUN: %python %ds_src_root/test/golden/compare.py %t.v3.sparse.out %t.v3.dense.out --rtol 0 | FileCheck %s --check-prefix=SAME
// SAME: PASS logits[20, 128]: max abs error 0.000e+00

// CHECK-LABEL: func.func @bf16
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>, %[[W:.*]]: tensor<?x2xf32>, %[[IDS:.*]]: tensor<?x2xi32>, %[[WG:.*]]: tensor<8x96x64xbf16>, %[[WU:.*]]: tensor<8x96x64xbf16>, %[[WD:.*]]: tensor<8x64x96xbf16>)
// CHECK-NEXT: %[[ROWS:.*]], %[[PERM:.*]], %[[OFFS:.*]] = moe.dispatch %[[X]], %[[IDS]] : tensor<?x64xbf16>, tensor<?x2xi32> -> tensor<?x64xbf16>, tensor<?xi32>, tensor<9xi32>
// CHECK-NEXT: %[[G:.*]] = moe.grouped_matmul %[[ROWS]], %[[WG]], %[[OFFS]] : tensor<?x64xbf16>, tensor<8x96x64xbf16>, tensor<9xi32> -> tensor<?x96xbf16>
// CHECK-NEXT: %[[U:.*]] = moe.grouped_matmul %[[ROWS]], %[[WU]], %[[OFFS]] : tensor<?x64xbf16>, tensor<8x96x64xbf16>, tensor<9xi32> -> tensor<?x96xbf16>
// CHECK-NEXT: %[[A:.*]] = moe.swiglu %[[G]], %[[U]] : tensor<?x96xbf16>
// CHECK-NEXT: %[[D:.*]] = moe.grouped_matmul %[[A]], %[[WD]], %[[OFFS]] : tensor<?x96xbf16>, tensor<8x64x96xbf16>, tensor<9xi32> -> tensor<?x64xbf16>
// CHECK-NEXT: %[[Y:.*]] = moe.combine %[[D]], %[[PERM]], %[[W]] : tensor<?x64xbf16>, tensor<?xi32>, tensor<?x2xf32> -> tensor<?x64xbf16>
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: moe.experts
func.func @bf16(%x: tensor<?x64xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                %wg: tensor<8x96x64xbf16>, %wu: tensor<8x96x64xbf16>,
                %wd: tensor<8x64x96xbf16>) -> tensor<?x64xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd
      : (tensor<?x64xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x96x64xbf16>,
         tensor<8x96x64xbf16>, tensor<8x64x96xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// FP8 experts keep their quant attribute; each GEMM takes its own scales.
// CHECK-LABEL: func.func @fp8
// CHECK-SAME: %[[SG:[^:]*]]: tensor<4x1x2xf32>, %[[SU:[^:]*]]: tensor<4x1x2xf32>, %[[SD:[^:]*]]: tensor<4x2x1xf32>
// CHECK: moe.dispatch {{.*}} -> tensor<?x192xbf16>, tensor<?xi32>, tensor<5xi32>
// CHECK-NEXT: moe.grouped_matmul {{.*}} scales(%[[SG]] : tensor<4x1x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x192xbf16>, tensor<4x64x192xf8E4M3FN>, tensor<5xi32> -> tensor<?x64xbf16>
// CHECK-NEXT: moe.grouped_matmul {{.*}} scales(%[[SU]] : tensor<4x1x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
// CHECK-NEXT: moe.swiglu
// CHECK-NEXT: moe.grouped_matmul {{.*}} scales(%[[SD]] : tensor<4x2x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x64xbf16>, tensor<4x192x64xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xbf16>
// CHECK-NEXT: moe.combine
func.func @fp8(%x: tensor<?x192xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
               %wg: tensor<4x64x192xf8E4M3FN>, %wu: tensor<4x64x192xf8E4M3FN>,
               %wd: tensor<4x192x64xf8E4M3FN>, %sg: tensor<4x1x2xf32>,
               %su: tensor<4x1x2xf32>, %sd: tensor<4x2x1xf32>) -> tensor<?x192xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd scales(%sg, %su, %sd)
      {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
      : (tensor<?x192xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x64x192xf8E4M3FN>,
         tensor<4x64x192xf8E4M3FN>, tensor<4x192x64xf8E4M3FN>, tensor<4x1x2xf32>,
         tensor<4x1x2xf32>, tensor<4x2x1xf32>) -> tensor<?x192xbf16>
  return %y : tensor<?x192xbf16>
}

// -----

// Every experts op is rewritten; the rest of the function is left alone.
// CHECK-LABEL: func.func @two_layers
// CHECK-NOT: moe.experts
// CHECK: moe.dispatch
// CHECK: moe.combine
// CHECK: moe.rms_norm
// CHECK: moe.dispatch
// CHECK: moe.combine
// CHECK-NOT: moe.experts
func.func @two_layers(%x: tensor<?x16xf32>, %w: tensor<?x1xf32>, %ids: tensor<?x1xi32>,
                      %n: tensor<16xf32>, %wg: tensor<2x8x16xf32>,
                      %wd: tensor<2x16x8xf32>) -> tensor<?x16xf32> {
  %a = moe.experts %x, %w, %ids, %wg, %wg, %wd
      : (tensor<?x16xf32>, tensor<?x1xf32>, tensor<?x1xi32>, tensor<2x8x16xf32>,
         tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<?x16xf32>
  %h = moe.rms_norm %a, %n eps(1.0e-05) : tensor<?x16xf32>, tensor<16xf32>
  %b = moe.experts %h, %w, %ids, %wg, %wg, %wd
      : (tensor<?x16xf32>, tensor<?x1xf32>, tensor<?x1xi32>, tensor<2x8x16xf32>,
         tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<?x16xf32>
  return %b : tensor<?x16xf32>
}

// -----

// Without experts the pass changes nothing.
// CHECK-LABEL: func.func @dense
// CHECK-NEXT: moe.swiglu
// CHECK-NEXT: return
func.func @dense(%g: tensor<?x8xf32>, %u: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %a = moe.swiglu %g, %u : tensor<?x8xf32>
  return %a : tensor<?x8xf32>
}
