func.func private @f() attributes {a = #moe.yarn<factor = 0.0, original_max_position_embeddings = 4096>}
