// FP8 (e4m3) block-quantized weights with their `weight_scale_inv` scales,
// as DeepSeek-V3 stores them, through moe.linear and moe.experts: blocks of
// [2, 2] over a [3, 3] weight leave ragged last blocks.
//
// RUN: %python %S/Inputs/st.py write %t.w.safetensors \
// RUN:   "q:F8_E4M3:3x3=1,2,0.5,-1,0.25,3,4,-2,1.5" "s:F32:2x2=0.5,2,4,-1" \
// RUN:   "eg:F8_E4M3:1x3x3=1,2,0.5,-1,0.25,3,4,-2,1.5" "egs:F32:1x2x2=0.5,2,4,-1" \
// RUN:   "eu:F8_E4M3:1x3x3=1,0,0,0,1,0,0,0,1" "eus:F32:1x2x2=1,1,1,1" \
// RUN:   "ed:F8_E4M3:1x3x3=1,0,0,0,1,0,0,0,1" "eds:F32:1x2x2=2,2,2,2"
// RUN: %python %S/Inputs/st.py write %t.in.safetensors "x:F32:1x3=1,1,2" "w:F32:1x1=1" "ids:I32:1x1=0"
// RUN: ds-interp %s --weights %t.w.safetensors --inputs %t.in.safetensors -o %t.out.safetensors
// RUN: %python %S/Inputs/st.py print %t.out.safetensors --precision 6 | FileCheck %s

// W[n, k] = decode(q[n, k]) * s[n / 2, k / 2]; row 2 and column 2 are the
// ragged blocks: W = [[0.5, 1, 1], [-0.5, 0.125, 6], [16, -8, -1.5]], and
// y = W·x = [0.5 + 1 + 2, -0.5 + 0.125 + 12, 16 - 8 - 3] = [3.5, 11.625, 5].
// CHECK: linear F32[1, 3] 3.500000 11.625000 5.000000
// The single expert: gate W, up I, down 2·I: 2 · silu(y) · x.
// CHECK-NEXT: routed F32[1, 3] 6.79481{{[0-9]}} 23.2497{{[0-9]+}} 19.86614{{[0-9]}}

module {
  moe.parameter @q : tensor<3x3xf8E4M3FN> {key = "q"}
  moe.parameter @s : tensor<2x2xf32> {key = "s"}
  moe.parameter @eg : tensor<1x3x3xf8E4M3FN> {key = "eg"}
  moe.parameter @egs : tensor<1x2x2xf32> {key = "egs"}
  moe.parameter @eu : tensor<1x3x3xf8E4M3FN> {key = "eu"}
  moe.parameter @eus : tensor<1x2x2xf32> {key = "eus"}
  moe.parameter @ed : tensor<1x3x3xf8E4M3FN> {key = "ed"}
  moe.parameter @eds : tensor<1x2x2xf32> {key = "eds"}
  func.func @forward(%x: tensor<?x3xf32> {moe.name = "x"}, %w: tensor<?x1xf32> {moe.name = "w"},
                     %ids: tensor<?x1xi32> {moe.name = "ids"})
      -> (tensor<?x3xf32> {moe.name = "linear"}, tensor<?x3xf32> {moe.name = "routed"}) {
    %q = moe.load @q : tensor<3x3xf8E4M3FN>
    %s = moe.load @s : tensor<2x2xf32>
    %y = moe.linear %x, %q scales(%s : tensor<2x2xf32>) {quant = #moe.quant<fp8_e4m3, block = [2, 2]>}
        : tensor<?x3xf32>, tensor<3x3xf8E4M3FN> -> tensor<?x3xf32>
    %eg = moe.load @eg : tensor<1x3x3xf8E4M3FN>
    %egs = moe.load @egs : tensor<1x2x2xf32>
    %eu = moe.load @eu : tensor<1x3x3xf8E4M3FN>
    %eus = moe.load @eus : tensor<1x2x2xf32>
    %ed = moe.load @ed : tensor<1x3x3xf8E4M3FN>
    %eds = moe.load @eds : tensor<1x2x2xf32>
    %r = moe.experts %x, %w, %ids, %eg, %eu, %ed scales(%egs, %eus, %eds)
        {quant = #moe.quant<fp8_e4m3, block = [2, 2]>}
        : (tensor<?x3xf32>, tensor<?x1xf32>, tensor<?x1xi32>, tensor<1x3x3xf8E4M3FN>,
           tensor<1x3x3xf8E4M3FN>, tensor<1x3x3xf8E4M3FN>, tensor<1x2x2xf32>,
           tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> tensor<?x3xf32>
    return %y, %r : tensor<?x3xf32>, tensor<?x3xf32>
  }
}
