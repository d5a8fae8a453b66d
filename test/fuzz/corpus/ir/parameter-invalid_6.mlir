"moe.parameter"() <{key = 1 : i64, sym_name = "p", type = tensor<4xf32>}> : () -> ()
