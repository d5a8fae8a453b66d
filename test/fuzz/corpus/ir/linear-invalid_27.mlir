// Groups of [1, 128]: one scale per row and 128 columns.
func.func @scales_int4_groups(%x: tensor<?x256xbf16>, %w: tensor<4x256xi4>, %s: tensor<1x2xf32>) -> tensor<?x4xbf16> {
  %0 = moe.linear %x, %w scales(%s : tensor<1x2xf32>) {quant = #moe.quant<int4, block = [1, 128]>} : tensor<?x256xbf16>, tensor<4x256xi4> -> tensor<?x4xbf16>
  return %0 : tensor<?x4xbf16>
}
