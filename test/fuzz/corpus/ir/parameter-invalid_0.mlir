moe.parameter @p : tensor<?x4xf32> {key = "p"}
