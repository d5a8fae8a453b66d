func.func private @f() attributes {a = #moe.yarn<factor = 0.5, original_max_position_embeddings = 4096>}
