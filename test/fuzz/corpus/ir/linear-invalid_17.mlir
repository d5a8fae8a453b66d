func.func @dense_with_quant(%x: tensor<?x8xf32>, %w: tensor<4x8xbf16>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w {quant = #moe.quant<int8, block = [1, 128]>} : tensor<?x8xf32>, tensor<4x8xbf16> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
