func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, n_group = 2, topk_group = 2>}
