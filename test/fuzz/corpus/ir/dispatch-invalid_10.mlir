func.func @perm_size(%x: tensor<4x8xf32>, %ids: tensor<4x2xi32>) -> (tensor<8x8xf32>, tensor<6xi32>, tensor<5xi32>) {
  %a, %b, %c = moe.dispatch %x, %ids : tensor<4x8xf32>, tensor<4x2xi32> -> tensor<8x8xf32>, tensor<6xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<8x8xf32>, tensor<6xi32>, tensor<5xi32>
}
