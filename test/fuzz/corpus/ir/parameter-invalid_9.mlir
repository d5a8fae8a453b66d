moe.parameter @p : tensor<4xf32>
moe.parameter @p : tensor<8xf32>
