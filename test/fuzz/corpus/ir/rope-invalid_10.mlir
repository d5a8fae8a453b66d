func.func @float_positions(%x: tensor<?x2x8xf32>, %pos: tensor<?xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?xf32>
  return %0 : tensor<?x2x8xf32>
}
