// The gate is dense: a quantized storage type is not accepted.
func.func @i8_gate(%x: tensor<?x16xf32>, %g: tensor<8x16xi8>) -> (tensor<?x2xf32>, tensor<?x2xi32>) {
  %w, %i = moe.router %x, %g config(<scoring = softmax, selection = greedy, top_k = 2>) : tensor<?x16xf32>, tensor<8x16xi8> -> tensor<?x2xf32>, tensor<?x2xi32>
  return %w, %i : tensor<?x2xf32>, tensor<?x2xi32>
}
