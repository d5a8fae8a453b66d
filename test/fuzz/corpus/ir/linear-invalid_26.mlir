// N = 192 needs ceil(192 / 128) = 2 row blocks, not 1.
func.func @scales_ragged_floor(%x: tensor<?x256xbf16>, %w: tensor<192x256xf8E4M3FN>, %s: tensor<1x2xf32>) -> tensor<?x192xbf16> {
  %0 = moe.linear %x, %w scales(%s : tensor<1x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [128, 128]>} : tensor<?x256xbf16>, tensor<192x256xf8E4M3FN> -> tensor<?x192xbf16>
  return %0 : tensor<?x192xbf16>
}
