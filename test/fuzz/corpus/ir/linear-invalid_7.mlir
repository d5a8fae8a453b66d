// A [N, K] weight given as [K, N] (transposed) is rejected.
func.func @transposed_weight(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<8x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
