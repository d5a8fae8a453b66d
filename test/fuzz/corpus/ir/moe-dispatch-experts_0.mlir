// Numerics: the pass keeps the logits of golden models bit for bit on the
// CPU reference (fp32 and bf16, per-expert and grouped routers).
// SAME: PASS logits[20, 128]: max abs error 0.000e+00

func.func @bf16(%x: tensor<?x64xbf16>, %w: tensor<?x2xf32>, %ids: tensor<?x2xi32>,
                %wg: tensor<8x96x64xbf16>, %wu: tensor<8x96x64xbf16>,
                %wd: tensor<8x64x96xbf16>) -> tensor<?x64xbf16> {
  %y = moe.experts %x, %w, %ids, %wg, %wu, %wd
      : (tensor<?x64xbf16>, tensor<?x2xf32>, tensor<?x2xi32>, tensor<8x96x64xbf16>,
         tensor<8x96x64xbf16>, tensor<8x64x96xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}
