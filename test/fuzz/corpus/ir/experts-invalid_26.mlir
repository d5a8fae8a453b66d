func.func @four_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xf8E4M3FN>, %u: tensor<4x6x8xf8E4M3FN>, %d: tensor<4x8x6xf8E4M3FN>, %sg: tensor<4x1x1xf32>, %su: tensor<4x1x1xf32>, %sd: tensor<4x1x1xf32>, %sx: tensor<4x1x1xf32>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd, %sx) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xf8E4M3FN>, tensor<4x6x8xf8E4M3FN>, tensor<4x8x6xf8E4M3FN>, tensor<4x1x1xf32>, tensor<4x1x1xf32>, tensor<4x1x1xf32>, tensor<4x1x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
