// A rank-1 input has no token dimension: its only dimension is K.
func.func @linear_rank1_dynamic_k(%x: tensor<?xf32>, %w: tensor<4x8xf32>) {
  %0 = moe.linear %x, %w : tensor<?xf32>, tensor<4x8xf32> -> tensor<?xf32>
  return
}
