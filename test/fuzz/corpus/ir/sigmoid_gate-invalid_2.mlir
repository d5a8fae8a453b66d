func.func @input_rank(%x: tensor<?x2x8xf32>, %g: tensor<?x1xf32>) {
  %0 = moe.sigmoid_gate %x, %g : tensor<?x2x8xf32>, tensor<?x1xf32>
  return
}
