func.func @scales_rank(%x: tensor<?x256xbf16>, %w: tensor<4x256xi8>, %s: tensor<8xf32>) -> tensor<?x4xbf16> {
  %0 = moe.linear %x, %w scales(%s : tensor<8xf32>) {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi8> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}
