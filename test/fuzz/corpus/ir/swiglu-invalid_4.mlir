func.func @result_type(%g: tensor<?x12xf32>) -> tensor<?x12xf16> {
  %0 = "moe.swiglu"(%g, %g) : (tensor<?x12xf32>, tensor<?x12xf32>) -> tensor<?x12xf16>
  return %0 : tensor<?x12xf16>
}
