func.func @offsets_dynamic(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<?xi32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<4x6x8xf32>, tensor<?xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
