func.func @window_kind(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = "moe.attention"(%q, %q, %q) <{scale = 2.5e-01 : f64, window = #moe.yarn<factor = 2.0, original_max_position_embeddings = 16>}> : (tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32>) -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
