func.func @operand_count(%y: tensor<?x8xf32>, %p: tensor<?xi32>) -> tensor<?x8xf32> {
  %0 = "moe.combine"(%y, %p) : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
