func.func @int_input(%x: tensor<?x8xi8>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xi8>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
