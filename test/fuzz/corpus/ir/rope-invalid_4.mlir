func.func @positions_size(%x: tensor<4x2x8xf32>, %pos: tensor<3xi32>) -> tensor<4x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<4x2x8xf32>, tensor<3xi32>
  return %0 : tensor<4x2x8xf32>
}
