// Four attention layers over the same q, k, v (bf16, one head of 16: the
// tensor-core kernel, BQ = BKV = 64), one per window kind, for
// attention-tiles.test: sliding and chunked sizes that cut the tiles, sinks
// that span two tiles. The outputs are widened to f32 for compare.py.
module attributes {moe.max_tokens = 4096 : i64} {
  func.func @forward(%q: tensor<?x1x16xbf16> {moe.name = "q"},
                     %k: tensor<?x1x16xbf16> {moe.name = "k"},
                     %v: tensor<?x1x16xbf16> {moe.name = "v"})
      -> (tensor<?x1x16xf32> {moe.name = "sliding"},
          tensor<?x1x16xf32> {moe.name = "chunked"},
          tensor<?x1x16xf32> {moe.name = "local_global"},
          tensor<?x1x16xf32> {moe.name = "global"}) {
    %s = moe.attention %q, %k, %v scale(0.25) window(<sliding 100>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %c = moe.attention %q, %k, %v scale(0.25) window(<chunked 200>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %l = moe.attention %q, %k, %v scale(0.25) window(<local_global 100, sinks 70>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %g = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x1x16xbf16>, tensor<?x1x16xbf16>, tensor<?x1x16xbf16> -> tensor<?x1x16xbf16>
    %s32 = arith.extf %s : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    %c32 = arith.extf %c : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    %l32 = arith.extf %l : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    %g32 = arith.extf %g : tensor<?x1x16xbf16> to tensor<?x1x16xf32>
    return %s32, %c32, %l32, %g32 : tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x1x16xf32>
  }
}
