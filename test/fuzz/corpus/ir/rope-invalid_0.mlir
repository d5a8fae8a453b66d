func.func @input_rank(%x: tensor<?x8xf32>, %pos: tensor<?xi32>) -> tensor<?x8xf32> {
  %0 = moe.rope half_split %x, %pos theta(10000.0) : tensor<?x8xf32>, tensor<?xi32>
  return %0 : tensor<?x8xf32>
}
