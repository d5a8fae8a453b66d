func.func @sigmoid_gate_dynamic(%x: tensor<?x64xbf16>, %g: tensor<?x1xbf16>) -> tensor<?x64xbf16> {
  %0 = moe.sigmoid_gate %x, %g : tensor<?x64xbf16>, tensor<?x1xbf16>
  return %0 : tensor<?x64xbf16>
}

func.func @sigmoid_gate_static_mixed_types(%x: tensor<4x8xf32>, %g: tensor<4x1xbf16>) -> tensor<4x8xf32> {
  %0 = moe.sigmoid_gate %x, %g : tensor<4x8xf32>, tensor<4x1xbf16>
  return %0 : tensor<4x8xf32>
}
