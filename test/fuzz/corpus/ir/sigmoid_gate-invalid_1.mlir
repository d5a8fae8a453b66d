func.func @token_mismatch(%x: tensor<4x8xf32>, %g: tensor<3x1xf32>) {
  %0 = moe.sigmoid_gate %x, %g : tensor<4x8xf32>, tensor<3x1xf32>
  return
}
