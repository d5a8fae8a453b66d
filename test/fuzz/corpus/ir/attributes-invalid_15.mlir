func.func private @f() attributes {a = #moe.yarn<factor = 0x7FF0000000000000, original_max_position_embeddings = 4096>}
