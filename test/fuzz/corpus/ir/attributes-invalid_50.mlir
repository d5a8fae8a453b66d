func.func private @f() attributes {a = #moe.router<selection = greedy, top_k = 2>}
