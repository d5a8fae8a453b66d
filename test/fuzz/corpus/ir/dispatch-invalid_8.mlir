// 4 tokens x top-2 = 8 rows, not 4.
func.func @permuted_rows(%x: tensor<4x8xf32>, %ids: tensor<4x2xi32>) -> (tensor<4x8xf32>, tensor<4xi32>, tensor<5xi32>) {
  %a, %b, %c = moe.dispatch %x, %ids : tensor<4x8xf32>, tensor<4x2xi32> -> tensor<4x8xf32>, tensor<4xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<4x8xf32>, tensor<4xi32>, tensor<5xi32>
}
