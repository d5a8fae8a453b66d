func.func @positions_rank(%x: tensor<?x2x8xf32>, %pos: tensor<?x1xi32>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?x1xi32>
  return %0 : tensor<?x2x8xf32>
}
