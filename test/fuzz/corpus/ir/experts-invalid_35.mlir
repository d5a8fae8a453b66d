// The scales of down follow its [E, H, I] shape, not that of gate.
func.func @down_scales_shape(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<4x6x8xi8>, %u: tensor<4x6x8xi8>, %d: tensor<4x8x6xi8>, %sg: tensor<4x6x1xf32>, %su: tensor<4x6x1xf32>, %sd: tensor<4x6x1xf32>) -> tensor<?x8xf32> {
  %y = moe.experts %x, %w, %i, %g, %u, %d scales(%sg, %su, %sd) {quant = #moe.quant<int8, block = [1, 128]>} : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x6x8xi8>, tensor<4x6x8xi8>, tensor<4x8x6xi8>, tensor<4x6x1xf32>, tensor<4x6x1xf32>, tensor<4x6x1xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
