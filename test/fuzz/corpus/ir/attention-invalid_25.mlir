func.func @missing_window(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = "moe.attention"(%q, %q, %q) <{scale = 2.5e-01 : f64}> : (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
