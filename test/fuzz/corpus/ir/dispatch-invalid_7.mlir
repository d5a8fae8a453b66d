func.func @indices_tokens(%x: tensor<4x8xf32>, %ids: tensor<3x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  %a, %b, %c = moe.dispatch %x, %ids : tensor<4x8xf32>, tensor<3x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}
