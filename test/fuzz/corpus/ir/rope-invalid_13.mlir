func.func @style_out_of_range(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %0 = "moe.rope"(%x, %pos) <{style = 2 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
