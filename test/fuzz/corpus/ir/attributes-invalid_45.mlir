func.func private @f() attributes {a = #moe.router<scoring = relu, selection = greedy, top_k = 2>}
