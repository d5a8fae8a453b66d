func.func @operand_shapes(%g: tensor<?x12xf32>, %u: tensor<?x6xf32>) -> tensor<?x12xf32> {
  %0 = "moe.swiglu"(%g, %u) : (tensor<?x12xf32>, tensor<?x6xf32>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}
