func.func private @f() attributes {a = #moe.router<scoring = sigmoid, selection = noaux_tc, top_k = 2, n_group = 4, topk_group = 8>}
