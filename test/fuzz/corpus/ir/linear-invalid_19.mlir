// f64 passes the operand constraint (any float) but is no weight format.
func.func @f64_weight(%x: tensor<?x8xf32>, %w: tensor<4x8xf64>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf64> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
