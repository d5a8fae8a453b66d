"moe.parameter"() <{type = tensor<4xf32>}> : () -> ()
