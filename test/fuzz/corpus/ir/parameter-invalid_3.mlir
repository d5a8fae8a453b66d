moe.parameter @p : tensor<f32> {key = "experts.*.w"}
