func.func @missing_scales(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf8E4M3FN>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x8xf32>, tensor<4x6x8xf8E4M3FN>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
