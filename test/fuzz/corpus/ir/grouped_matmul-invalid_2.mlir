func.func @weight_rank(%x: tensor<?x8xf32>, %w: tensor<6x8xf32>, %o: tensor<5xi32>) -> tensor<?x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<6x8xf32>, tensor<5xi32> -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
