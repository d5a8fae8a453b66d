// The launches that have CUDA kernels today (norm, elementwise), on bf16
// activations with an f32 output: what test/gpu/smoke.test and
// scripts/gpu-check.sh run on a GPU while the other op kinds have no kernel
// template yet. Weights and inputs: smoke_data.py.
module attributes {moe.max_tokens = 4096 : i64} {
  func.func @forward(%x: tensor<?x64xbf16> {moe.name = "x"},
                     %r: tensor<?x64xbf16> {moe.name = "residual"})
      -> (tensor<?x64xf32> {moe.name = "logits"},
          tensor<?x64xbf16> {moe.name = "sum"}) {
    %w = moe.load @norm.weight : tensor<64xbf16>
    %n = moe.rms_norm %x, %w eps(1.000000e-05) : tensor<?x64xbf16>, tensor<64xbf16>
    %sum, %res = moe.add_rms_norm %n, %r, %w eps(1.000000e-05) : tensor<?x64xbf16>, tensor<64xbf16>
    %a = moe.swiglu %res, %n : tensor<?x64xbf16>
    %b = arith.addf %a, %x : tensor<?x64xbf16>
    %c = arith.mulf %b, %sum : tensor<?x64xbf16>
    %y = arith.extf %c : tensor<?x64xbf16> to tensor<?x64xf32>
    return %y, %sum : tensor<?x64xf32>, tensor<?x64xbf16>
  }
  moe.parameter @norm.weight : tensor<64xbf16> {key = "norm.weight"}
}
