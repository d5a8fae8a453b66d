func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, truncate = yes>}
