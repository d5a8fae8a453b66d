// FP8 experts keep their quant attribute; each GEMM takes its own scales.
func.func @fp8(%x: tensor<?x192xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
               %wg: tensor<4x64x192xf8E4M3FN>, %wu: tensor<4x64x192xf8E4M3FN>,
               %wd: tensor<4x192x64xf8E4M3FN>, %sg: tensor<4x1x2xf32>,
               %su: tensor<4x1x2xf32>, %sd: tensor<4x2x1xf32>) -> tensor<?x192xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd scales(%sg, %su, %sd)
      {quant = #moe.quant<fp8_e4m3, block = [128, 128]>}
      : (tensor<?x192xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<4x64x192xf8E4M3FN>,
         tensor<4x64x192xf8E4M3FN>, tensor<4x192x64xf8E4M3FN>, tensor<4x1x2xf32>,
         tensor<4x1x2xf32>, tensor<4x2x1xf32>) -> tensor<?x192xbf16>
  return %y : tensor<?x192xbf16>
}
