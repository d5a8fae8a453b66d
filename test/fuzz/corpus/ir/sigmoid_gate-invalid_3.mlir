func.func @integer_logit(%x: tensor<?x8xf32>, %g: tensor<?x1xi32>) {
  %0 = moe.sigmoid_gate %x, %g : tensor<?x8xf32>, tensor<?x1xi32>
  return
}
