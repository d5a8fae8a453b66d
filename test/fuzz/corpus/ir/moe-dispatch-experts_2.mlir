// Every experts op is rewritten; the rest of the function is left alone.
func.func @two_layers(%x: tensor<?x16xf32>, %w: tensor<?x1xf32>, %ids: tensor<?x1xi32>,
                      %n: tensor<16xf32>, %wg: tensor<2x8x16xf32>,
                      %wd: tensor<2x16x8xf32>) -> tensor<?x16xf32> {
  %a = moe.experts %x, %w, %ids, %wg, %wg, %wd
      : (tensor<?x16xf32>, tensor<?x1xf32>, tensor<?x1xi32>, tensor<2x8x16xf32>,
         tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<?x16xf32>
  %h = moe.rms_norm %a, %n eps(1.0e-05) : tensor<?x16xf32>, tensor<16xf32>
  %b = moe.experts %h, %w, %ids, %wg, %wg, %wd
      : (tensor<?x16xf32>, tensor<?x1xf32>, tensor<?x1xi32>, tensor<2x8x16xf32>,
         tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<?x16xf32>
  return %b : tensor<?x16xf32>
}
