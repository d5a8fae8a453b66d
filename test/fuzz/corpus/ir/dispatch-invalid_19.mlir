// The rows follow the static token count of the indices (2 x 2 = 4).
func.func @dispatch_rows_from_static_indices(%x: tensor<?x4xf32>, %ids: tensor<2x2xi32>) {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<?x4xf32>, tensor<2x2xi32> -> tensor<5x4xf32>, tensor<5xi32>, tensor<3xi32>
  return
}
