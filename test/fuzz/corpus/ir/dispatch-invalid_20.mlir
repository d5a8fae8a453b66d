// perm agrees with the static row count even when permuted is dynamic.
func.func @dispatch_perm_through_dynamic_rows(%x: tensor<2x4xf32>, %ids: tensor<2x2xi32>) {
  %xs, %perm, %offs = moe.dispatch %x, %ids : tensor<2x4xf32>, tensor<2x2xi32> -> tensor<?x4xf32>, tensor<5xi32>, tensor<3xi32>
  return
}
