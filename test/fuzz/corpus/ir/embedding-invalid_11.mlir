func.func @operand_count(%table: tensor<16x8xf32>) -> tensor<?x8xf32> {
  %0 = "moe.embedding"(%table) : (tensor<16x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
