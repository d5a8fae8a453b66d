// Window parse and verification errors inside the op (the full list is in
// attributes-invalid.mlir).

func.func @unknown_window(%q: tensor<?x2x8xf32>) -> tensor<?x2x8xf32> {
  %0 = moe.attention %q, %q, %q scale(0.25) window(<causal>) : tensor<?x2x8xf32>, tensor<?x2x8xf32>, tensor<?x2x8xf32> -> tensor<?x2x8xf32>
  return %0 : tensor<?x2x8xf32>
}
