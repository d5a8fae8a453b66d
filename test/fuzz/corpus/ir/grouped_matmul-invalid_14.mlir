func.func @dense_with_scales(%x: tensor<?x8xf32>, %w: tensor<4x6x8xbf16>, %o: tensor<5xi32>, %s: tensor<4x1x1xf32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o scales(%s : tensor<4x1x1xf32>) : tensor<?x8xf32>, tensor<4x6x8xbf16>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
