moe.parameter @p : tensor<*xf32>
