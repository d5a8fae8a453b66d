func.func private @f() attributes {a = #moe.yarn<factor = 0x7FF8000000000000, original_max_position_embeddings = 4096>}
