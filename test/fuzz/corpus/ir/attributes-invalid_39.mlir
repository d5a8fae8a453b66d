// topk_group > the default n_group (1).
func.func private @f() attributes {a = #moe.router<scoring = softmax, selection = group_limited, top_k = 2, topk_group = 2>}
