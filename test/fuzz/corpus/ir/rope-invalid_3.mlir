func.func @odd_dim(%x: tensor<?x2x7xf32>, %pos: tensor<?xi32>) -> tensor<?x2x7xf32> {
  %0 = moe.rope interleaved %x, %pos theta(10000.0) : tensor<?x2x7xf32>, tensor<?xi32>
  return %0 : tensor<?x2x7xf32>
}
