func.func @result_rows(%x: tensor<8x8xf32>, %w: tensor<4x6x8xf32>, %o: tensor<5xi32>) -> tensor<6x6xf32> {
  %0 = moe.grouped_matmul %x, %w, %o : tensor<8x8xf32>, tensor<4x6x8xf32>, tensor<5xi32> -> tensor<6x6xf32>
  return %0 : tensor<6x6xf32>
}
