func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = group_limited, top_k = 2, n_group = 0>}
