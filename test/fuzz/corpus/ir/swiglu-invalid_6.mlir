func.func @one_operand(%g: tensor<?x12xf32>) -> tensor<?x12xf32> {
  %0 = moe.swiglu %g : tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}
