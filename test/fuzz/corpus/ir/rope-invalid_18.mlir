func.func @operand_count(%x: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = "moe.rope"(%x) <{style = 0 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
