func.func @result_dim1(%x: tensor<?x2x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x3x4xf32> {
  %0 = moe.linear %x, %w : tensor<?x2x8xf32>, tensor<4x8xf32> -> tensor<?x3x4xf32>
  return %0 : tensor<?x3x4xf32>
}
