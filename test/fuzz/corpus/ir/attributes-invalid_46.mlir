func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = top_k, top_k = 2>}
