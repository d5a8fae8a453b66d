func.func @input_dynamic_hidden(%x: tensor<?x?xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>) {
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x?xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<5xi32>
}
