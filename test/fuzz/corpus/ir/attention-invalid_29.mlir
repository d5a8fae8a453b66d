func.func @sliding_zero(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %q, %q scale(0.25) window(<sliding 0>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
