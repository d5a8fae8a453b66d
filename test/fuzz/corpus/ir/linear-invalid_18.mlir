func.func @dense_with_scales(%x: tensor<?x8xf32>, %w: tensor<4x8xbf16>, %s: tensor<4x1xf32>) -> tensor<?x4xf32> {
  %0 = moe.linear %x, %w scales(%s : tensor<4x1xf32>) : tensor<?x8xf32>, tensor<4x8xbf16> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
