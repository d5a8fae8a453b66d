func.func @permuted_element_type(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>) {
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
  return %a, %b, %c : tensor<?x8xbf16>, tensor<?xi32>, tensor<5xi32>
}
