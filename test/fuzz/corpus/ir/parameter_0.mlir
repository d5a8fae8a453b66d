// Module-level parameters: a keyed one, a stacked one ('*' enumerates the
// leading dimension), one without a key, quantized storage types and a
// rank-0 parameter with a plain key.

moe.parameter @embed : tensor<16x8xbf16> {key = "model.embed_tokens.weight"}
moe.parameter @experts_gate : tensor<4x6x8xf8E4M3FN> {key = "model.layers.0.mlp.experts.*.gate_proj.weight"}
moe.parameter @rewritten : tensor<8xf32>
moe.parameter @qweight : tensor<8x256xi4> {key = "q.qweight"}
moe.parameter @w8 : tensor<8x128xi8> {key = "w8.weight"}
moe.parameter @scalar : tensor<f32> {key = "scalar"}
// A key with a '*' on a rank-1 tensor is a stack of scalars.
moe.parameter @stacked_scalars : tensor<3xf32> {key = "s.*"}

func.func @load() -> (tensor<16x8xbf16>, tensor<4x6x8xf8E4M3FN>, tensor<8xf32>, tensor<f32>) {
  %0 = moe.load @embed : tensor<16x8xbf16>
  %1 = moe.load @experts_gate : tensor<4x6x8xf8E4M3FN>
  %2 = moe.load @rewritten : tensor<8xf32>
  %3 = moe.load @scalar : tensor<f32>
  return %0, %1, %2, %3 : tensor<16x8xbf16>, tensor<4x6x8xf8E4M3FN>, tensor<8xf32>, tensor<f32>
}

func.func @load_quantized() -> (tensor<8x256xi4>, tensor<8x128xi8>) {
  %0 = moe.load @qweight : tensor<8x256xi4>
  %1 = moe.load @w8 : tensor<8x128xi8>
  return %0, %1 : tensor<8x256xi4>, tensor<8x128xi8>
}

// A load is pure: loading the same parameter twice is allowed.
func.func @load_twice() -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = moe.load @stacked_scalars : tensor<3xf32>
  %1 = moe.load @stacked_scalars : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}
