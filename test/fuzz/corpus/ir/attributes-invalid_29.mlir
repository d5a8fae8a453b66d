func.func private @f() attributes {a = #moe.yarn<original_max_position_embeddings = 4096>}
