func.func @operand_count(%x: tensor<?x8xf32>, %w: tensor<4x6x8xf32>) -> tensor<?x6xf32> {
  %0 = "moe.grouped_matmul"(%x, %w) : (tensor<?x8xf32>, tensor<4x6x8xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
