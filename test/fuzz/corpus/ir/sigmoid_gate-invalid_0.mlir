func.func @logit_not_one_column(%x: tensor<?x8xf32>, %g: tensor<?x2xf32>) {
  %0 = moe.sigmoid_gate %x, %g : tensor<?x8xf32>, tensor<?x2xf32>
  return
}
