// RUN: ds-opt %s | ds-opt | FileCheck %s
// RUN: ds-opt %s --mlir-print-op-generic | ds-opt | FileCheck %s

// Module-level parameters: a keyed one, a stacked one ('*' enumerates the
// leading dimension), one without a key, quantized storage types and a
// rank-0 parameter with a plain key.

// CHECK: moe.parameter @embed : tensor<16x8xbf16> {key = "model.embed_tokens.weight"}
moe.parameter @embed : tensor<16x8xbf16> {key = "model.embed_tokens.weight"}
// CHECK-NEXT: moe.parameter @experts_gate : tensor<4x6x8xf8E4M3FN> {key = "model.layers.0.mlp.experts.*.gate_proj.weight"}
moe.parameter @experts_gate : tensor<4x6x8xf8E4M3FN> {key = "model.layers.0.mlp.experts.*.gate_proj.weight"}
// CHECK-NEXT: moe.parameter @rewritten : tensor<8xf32>{{$}}
moe.parameter @rewritten : tensor<8xf32>
// CHECK-NEXT: moe.parameter @qweight : tensor<8x256xi4> {key = "q.qweight"}
moe.parameter @qweight : tensor<8x256xi4> {key = "q.qweight"}
// CHECK-NEXT: moe.parameter @w8 : tensor<8x128xi8> {key = "w8.weight"}
moe.parameter @w8 : tensor<8x128xi8> {key = "w8.weight"}
// CHECK-NEXT: moe.parameter @scalar : tensor<f32> {key = "scalar"}
moe.parameter @scalar : tensor<f32> {key = "scalar"}
// A key with a '*' on a rank-1 tensor is a stack of scalars.
// CHECK-NEXT: moe.parameter @stacked_scalars : tensor<3xf32> {key = "s.*"}
moe.parameter @stacked_scalars : tensor<3xf32> {key = "s.*"}

// CHECK-LABEL: func.func @load
func.func @load() -> (tensor<16x8xbf16>, tensor<4x6x8xf8E4M3FN>, tensor<8xf32>, tensor<f32>) {
  // CHECK: %{{.*}} = moe.load @embed : tensor<16x8xbf16>
  %0 = moe.load @embed : tensor<16x8xbf16>
  // CHECK: %{{.*}} = moe.load @experts_gate : tensor<4x6x8xf8E4M3FN>
  %1 = moe.load @experts_gate : tensor<4x6x8xf8E4M3FN>
  // CHECK: %{{.*}} = moe.load @rewritten : tensor<8xf32>
  %2 = moe.load @rewritten : tensor<8xf32>
  // CHECK: %{{.*}} = moe.load @scalar : tensor<f32>
  %3 = moe.load @scalar : tensor<f32>
  return %0, %1, %2, %3 : tensor<16x8xbf16>, tensor<4x6x8xf8E4M3FN>, tensor<8xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @load_quantized
func.func @load_quantized() -> (tensor<8x256xi4>, tensor<8x128xi8>) {
  // CHECK: %{{.*}} = moe.load @qweight : tensor<8x256xi4>
  %0 = moe.load @qweight : tensor<8x256xi4>
  // CHECK: %{{.*}} = moe.load @w8 : tensor<8x128xi8>
  %1 = moe.load @w8 : tensor<8x128xi8>
  return %0, %1 : tensor<8x256xi4>, tensor<8x128xi8>
}

// A load is pure: loading the same parameter twice is allowed.
// CHECK-LABEL: func.func @load_twice
func.func @load_twice() -> (tensor<3xf32>, tensor<3xf32>) {
  // CHECK: moe.load @stacked_scalars : tensor<3xf32>
  // CHECK: moe.load @stacked_scalars : tensor<3xf32>
  %0 = moe.load @stacked_scalars : tensor<3xf32>
  %1 = moe.load @stacked_scalars : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// A parameter joined at load time from two checkpoint tensors (plain: along
// dim 0), and a stacked one (along dim 1 of the stack) reading two experts.
// CHECK: moe.parameter @gate_up : tensor<12x8xbf16> {concat_keys = ["mlp.up_proj.weight"], concat_rows = array<i64: 6, 6>, key = "mlp.gate_proj.weight"}
moe.parameter @gate_up : tensor<12x8xbf16> {key = "mlp.gate_proj.weight", concat_keys = ["mlp.up_proj.weight"], concat_rows = array<i64: 6, 6>}
// CHECK-NEXT: moe.parameter @experts_gate_up : tensor<2x12x8xbf16> {concat_keys = ["e.*.up.weight"], concat_rows = array<i64: 6, 6>, key = "e.*.gate.weight", slices = array<i64: 1, 3>}
moe.parameter @experts_gate_up : tensor<2x12x8xbf16> {key = "e.*.gate.weight", concat_keys = ["e.*.up.weight"], concat_rows = array<i64: 6, 6>, slices = array<i64: 1, 3>}
// Unequal parts (q, k, v).
// CHECK-NEXT: moe.parameter @qkv : tensor<16x8xf32> {concat_keys = ["k.weight", "v.weight"], concat_rows = array<i64: 8, 4, 4>, key = "q.weight"}
moe.parameter @qkv : tensor<16x8xf32> {key = "q.weight", concat_keys = ["k.weight", "v.weight"], concat_rows = array<i64: 8, 4, 4>}
