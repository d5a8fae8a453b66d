func.func @int_operands(%g: tensor<?x12xi32>) -> tensor<?x12xi32> {
  %0 = moe.swiglu %g, %g : tensor<?x12xi32>
  return %0 : tensor<?x12xi32>
}
