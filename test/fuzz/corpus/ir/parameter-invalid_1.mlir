moe.parameter @p : tensor<4xf32> {key = ""}
