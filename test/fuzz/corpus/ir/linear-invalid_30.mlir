func.func @int_input(%x: tensor<?x8xi32>, %w: tensor<4x8xf32>) -> tensor<?x4xi32> {
  %0 = moe.linear %x, %w : tensor<?x8xi32>, tensor<4x8xf32> -> tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}
