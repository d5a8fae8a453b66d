func.func @shared_key_length(%q: tensor<?x2x12xf32>, %k: tensor<4x2x8xf32>, %v: tensor<4x2x8xf32>, %kpe: tensor<5x4xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %k, %v shared_key(%kpe : tensor<5x4xf32>) scale(0.25) window(<global>) : tensor<?x2x12xf32>, tensor<4x2x8xf32>, tensor<4x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
