// The summary counts parameters per stored dtype (i4 packs two per byte),
// keyed and stacked ones, and groups identical layer configurations.

// The IR itself is printed unchanged after the summary.
moe.parameter @a : tensor<16x32xbf16> {key = "a.weight"}
moe.parameter @b : tensor<2x16x16xbf16> {key = "experts.*.w"}
moe.parameter @c : tensor<32x32xi4> {key = "c.qweight"}
moe.parameter @d : tensor<1024xf32>
func.func @layer(%q: tensor<?x4x16xf32>, %k: tensor<?x2x16xf32>, %v: tensor<?x2x8xf32>) -> tensor<?x4x8xf32> {
  %0 = moe.attention %q, %k, %v scale(0.25) window(<sliding 4>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  %1 = moe.attention %q, %k, %v scale(0.25) window(<global>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  %2 = moe.attention %q, %k, %v scale(0.25) window(<sliding 4>) : tensor<?x4x16xf32>, tensor<?x2x16xf32>, tensor<?x2x8xf32> -> tensor<?x4x8xf32>
  return %2 : tensor<?x4x8xf32>
}
