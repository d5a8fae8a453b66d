func.func @result_element_type(%x: tensor<?x8xf32>, %w: tensor<4x8xf32>) -> tensor<?x4xbf16> {
  %0 = moe.linear %x, %w : tensor<?x8xf32>, tensor<4x8xf32> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}
