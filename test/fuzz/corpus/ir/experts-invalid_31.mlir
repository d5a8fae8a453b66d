func.func @quantized_without_scales(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
