// experts decompose into their sparse form (as moe-dispatch-experts).
func.func @experts(%x: tensor<?x16xf32>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                   %wg: tensor<4x8x16xf32>, %wd: tensor<4x16x8xf32>) -> tensor<?x16xf32> {
  %y = moe.experts %x, %w, %ids, %wg, %wg, %wd
      : (tensor<?x16xf32>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x8x16xf32>,
         tensor<4x8x16xf32>, tensor<4x16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
