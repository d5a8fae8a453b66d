func.func @result_count(%x: tensor<?x8xf32>, %ids: tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>) {
  %a, %b = "moe.dispatch"(%x, %ids) : (tensor<?x8xf32>, tensor<?x2xi32>) -> (tensor<?x8xf32>, tensor<?xi32>)
  return %a, %b : tensor<?x8xf32>, tensor<?xi32>
}
