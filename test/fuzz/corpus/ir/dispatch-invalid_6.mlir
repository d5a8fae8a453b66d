// The static size of offsets fixes the number of experts.
func.func @offsets_dynamic(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>, tensor<?xi32>) {
  %a, %b, %c = moe.dispatch %x, %ids : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<?x8xf32>, tensor<?xi32>, tensor<?xi32>
  return %a, %b, %c : tensor<?x8xf32>, tensor<?xi32>, tensor<?xi32>
}
