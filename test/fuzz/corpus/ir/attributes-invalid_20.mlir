// beta_fast must be strictly greater than beta_slow.
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 1.0, beta_slow = 1.0>}
