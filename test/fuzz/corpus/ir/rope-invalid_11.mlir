func.func @index_positions(%x: tensor<?x2x8xf32>, %pos: tensor<?xindex>) -> tensor<?x2x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x2x8xf32>, tensor<?xindex>
  return %0 : tensor<?x2x8xf32>
}
