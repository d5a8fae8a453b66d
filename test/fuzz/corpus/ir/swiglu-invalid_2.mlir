func.func @operand_types(%g: tensor<?x12xf32>, %u: tensor<?x12xbf16>) -> tensor<?x12xf32> {
  %0 = "moe.swiglu"(%g, %u) : (tensor<?x12xf32>, tensor<?x12xbf16>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}
