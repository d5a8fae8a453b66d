func.func @result_type(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xbf16> {
  %0 = "moe.rope"(%x, %pos) <{style = 0 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xbf16>
  return %0 : tensor<?x2x8xbf16>
}
