func.func @grouped_matmul_zero_experts(%x: tensor<?x8xf32>, %w: tensor<0x6x8xf32>, %o: tensor<1xi32>) {
  %0 = moe.grouped_matmul %x, %w, %o : tensor<?x8xf32>, tensor<0x6x8xf32>, tensor<1xi32> -> tensor<?x6xf32>
  return
}
