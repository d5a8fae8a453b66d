func.func @unranked(%g: tensor<*xf32>) -> tensor<*xf32> {
  %0 = "moe.swiglu"(%g, %g) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
