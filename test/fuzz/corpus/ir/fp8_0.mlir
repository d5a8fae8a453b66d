// FP8 (e4m3) block-quantized weights with their `weight_scale_inv` scales,
// as DeepSeek-V3 stores them, through moe.linear and moe.experts: blocks of
// [2, 2] over a [3, 3] weight leave ragged last blocks.
//

// W[n, k] = decode(q[n, k]) * s[n / 2, k / 2]; row 2 and column 2 are the
// ragged blocks: W = [[0.5, 1, 1], [-0.5, 0.125, 6], [16, -8, -1.5]], and
// y = W·x = [0.5 + 1 + 2, -0.5 + 0.125 + 12, 16 - 8 - 3] = [3.5, 11.625, 5].
// The single expert: gate W, up I, down 2·I: 2 · silu(y) · x.

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
