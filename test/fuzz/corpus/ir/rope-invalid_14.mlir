func.func @scaling_kind(%x: tensor<?x2x8xf32>, %pos: tensor<?xi32>) -> tensor<?x2x8xf32> {
  %0 = "moe.rope"(%x, %pos) <{scaling = #moe.window<global>, style = 0 : i32, theta = 1.0e+04 : f64}> : (tensor<?x2x8xf32>, tensor<?xi32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
