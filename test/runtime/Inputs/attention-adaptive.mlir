// Three adaptive attention layers over the same q, k, v (bf16, one head of
// 16: the tensor-core kernel, BQ = BKV = 64) for attention-tiles.test: at
// T = 1024 the first is below its threshold (global), the second above
// (sliding 100), the third above with sinks (local_global 100, sinks 70).
// The outputs are widened to f32 for compare.py.
module attributes {moe.max_tokens = 4096 : i64} {
  func.func @forward(%q: tensor<?x1x16xbf16> {moe.name = "q"},
                     %k: tensor<?x1x16xbf16> {moe.name = "k"},
                     %v: tensor<?x1x16xbf16> {moe.name = "v"})
      -> (tensor<?x1x16xf32> {moe.name = "below"},
          tensor<?x1x16xf32> {moe.name = "above"},
          tensor<?x1x16xf32> {moe.name = "sinks"}) {
    %b = moe.attention %q, %k, %v scale(0.25) window(<adaptive 100, threshold 1024>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %a = moe.attention %q, %k, %v scale(0.25) window(<adaptive 100, threshold 1023>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %s = moe.attention %q, %k, %v scale(0.25) window(<adaptive 100, threshold 512, sinks 70>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %b32 = arith.extf %b : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    %a32 = arith.extf %a : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    %s32 = arith.extf %s : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    return %b32, %a32, %s32 : tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>
  }
}
