func.func @scales_ragged(%x: tensor<?x200xf32>, %w: tensor<4x192x200xf8E4M3FN>, %o: tensor<5xi32>, %s: tensor<4x1x1xf32>) -> tensor<?x192xf32> {
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<4x1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x200xf32>, tensor<4x192x200xf8E4M3FN>, tensor<5xi32> -> tensor<?x192xf32>
  return %0 : tensor<?x192xf32>
}
