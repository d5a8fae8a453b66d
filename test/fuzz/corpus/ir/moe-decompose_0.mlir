// Numerics: a golden model with every composite op decomposed keeps its
// logits bit for bit on the CPU reference.
// SAME: PASS logits[20, 128]: max abs error 0.000e+00
// SIMPLE-COUNT-2: moe.dispatch

func.func @add_rms_norm(%a: tensor<?x64xbf16>, %r: tensor<?x64xbf16>, %w: tensor<64xbf16>)
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %sum, %y = moe.add_rms_norm %a, %r, %w eps(1.0e-06) : tensor<?x64xbf16>, tensor<64xbf16>
  return %sum, %y : tensor<?x64xbf16>, tensor<?x64xbf16>
}
