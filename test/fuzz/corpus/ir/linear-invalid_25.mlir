func.func @missing_scales(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E4M3FN>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xf32>, tensor<4x128xf8E4M3FN> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
