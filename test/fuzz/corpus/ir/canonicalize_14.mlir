// A rope without scaling is left alone.
func.func @rope_no_yarn(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %y = moe.rope half_split %x, %pos theta(1.0e+06) : tensor<?x2x8xf32>, tensor<?xi32>
  return %y : tensor<?x2x8xf32>
}
