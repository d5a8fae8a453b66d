func.func @result_dynamic_n(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x?xf32> {
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
