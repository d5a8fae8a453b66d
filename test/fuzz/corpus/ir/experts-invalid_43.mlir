func.func @experts_zero_experts(%x: tensor<?x8xf32>, %w: tensor<?x2xf32>, %i: tensor<?x2xi32>, %g: tensor<0x6x8xf32>, %d: tensor<0x8x6xf32>) {
  %y = moe.experts %x, %w, %i, %g, %g, %d : (tensor<?x8xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<0x6x8xf32>, tensor<0x6x8xf32>, tensor<0x8x6xf32>) -> tensor<?x8xf32>
  return
}
