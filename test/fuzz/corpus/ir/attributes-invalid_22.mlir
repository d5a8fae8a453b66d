// beta_fast below the default beta_slow (1.0).
func.func private @f() attributes {a = #moe.yarn<factor = 4.0, original_max_position_embeddings = 4096, beta_fast = 0.5>}
