func.func @attention_shared_key_length_through_dynamic(%q: tensor<?x4x12xf32>, %k: tensor<?x2x8xf32>, %v: tensor<4x2x8xf32>, %s: tensor<5x4xf32>) {
  %0 = moe.attention %q, %k, %v shared_key(%s : tensor<5x4xf32>) scale(0.5) window(<global>) : tensor<?x4x12xf32>, tensor<?x2x8xf32>, tensor<4x2x8xf32> -> tensor<?x4x8xf32>
  return
}
