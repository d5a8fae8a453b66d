func.func @f8e5m2_weight(%x: tensor<?x128xf32>, %w: tensor<4x128xf8E5M2>, %s: tensor<1x1xf32>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w scales(%s : tensor<1x1xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x128xf32>, tensor<4x128xf8E5M2> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
