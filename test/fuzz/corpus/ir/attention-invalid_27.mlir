func.func @operand_count(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = "moe.attention"(%q, %q) <{scale = 2.5e-01 : f64, window = #moe.window<global>}> : (tensor<?x2x8xf32>, tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
