func.func @attention_more_queries_than_keys(%q: tensor<8x4x8xf32>, %k: tensor<2x2x8xf32>) {
  %0 = moe.attention %q, %k, %k scale(0.5) window(<global>) : tensor<8x4x8xf32>, tensor<2x2x8xf32>, tensor<2x2x8xf32> -> tensor<8x4x8xf32>
  return
}
