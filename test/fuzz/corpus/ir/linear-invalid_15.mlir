func.func @bias_size(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w bias(%b : tensor<8xf32>) : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
