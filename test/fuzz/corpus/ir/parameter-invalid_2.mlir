moe.parameter @p : tensor<2x2x4xf32> {key = "layers.*.experts.*.w"}
