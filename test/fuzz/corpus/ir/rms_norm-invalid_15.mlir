func.func @operand_count(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = "moe.rms_norm"(%x) <{eps = 1.0e-05 : f64}> : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
