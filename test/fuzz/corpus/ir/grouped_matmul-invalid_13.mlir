func.func @dense_with_quant(%x: tensor<?x8xf32>, %w: tensor<4x6x8xbf16>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x8xf32>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
