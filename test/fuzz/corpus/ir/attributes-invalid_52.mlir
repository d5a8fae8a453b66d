func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy, top_k = 2, routed_scaling_factor = 2>}
