func.func @int_input(%x: tensor<?x2x8xi32>, %pos: tensor<?xi32>) -> tensor<?x2x8xi32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xi32>, tensor<?xi32>
  return %0 : tensor<?x2x8xi32>
}
