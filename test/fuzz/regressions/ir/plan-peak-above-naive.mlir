// A non-zero constant bias is kept.
func.func @linear_nonzero_bias(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xf32> {
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %y = moe.linear %x, %w bias(%b : tensor<4xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
