func.func private @f() attributes {a = #moe.router<scoring = softmax, top_k = 2>}
