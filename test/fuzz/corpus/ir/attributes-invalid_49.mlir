func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = greedy>}
